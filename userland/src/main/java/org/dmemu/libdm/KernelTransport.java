package org.dmemu.libdm;

import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;

/** libdm's transport to an in-process {@link Kernel}: ioctls on its {@code /dev/mapper/control}. */
public final class KernelTransport implements DmTransport {
    private final Kernel kernel;

    public KernelTransport(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public IoctlResult ioctl(long cmd, byte[] plist) {
        return kernel.ioctl("/dev/mapper/control", cmd, plist, plist.length);
    }
}
