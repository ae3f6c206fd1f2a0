package org.dmemu.kern;

import java.io.IOException;
import java.util.List;

/**
 * One booted emulated NetBSD kernel: its disks, its dm driver, and its {@code /dev}.
 * This is the entry point the front ends (replay, serve, dmctl, benchmarks) use.
 */
public final class Kernel implements AutoCloseable {
    private Kernel() {
    }

    /** Boots a kernel with the given disks and options. */
    public static Kernel boot(KernelConfig config) throws IOException {
        throw new UnsupportedOperationException("kernel boot: issue #3, in progress");
    }

    /**
     * {@code ioctl(fd, cmd, &pref)} on an open node ({@code /dev/mapper/control} or a dm disk):
     * {@code plist} is what {@code pref_plist} points at and {@code prefLen} is {@code pref_len}.
     */
    public IoctlResult ioctl(String devPath, long cmd, byte[] plist, long prefLen) {
        throw new UnsupportedOperationException("dmioctl: issue #3, in progress");
    }

    /**
     * Opens a block device node of the emulated {@code /dev} ({@code /dev/mapper/NAME},
     * {@code /dev/wd1a}, {@code /dev/rwd1d} …).
     *
     * @throws KernelException with ENOENT/ENXIO if no such node or device exists
     */
    public DiskHandle open(String devPath) throws KernelException {
        throw new UnsupportedOperationException("open: issue #3, in progress");
    }

    /** The names of the dm devices that have an active table now, in minor order. */
    public List<String> activeDmNames() {
        throw new UnsupportedOperationException("dm names: issue #3, in progress");
    }

    /** Flushes every disk's backing store and releases the disks. */
    @Override
    public void close() {
    }
}
