package org.dmemu.serve;

import java.util.List;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;

/**
 * The daemon's exports: every dm device that has an active table, by its name, opened as the
 * block node {@code /dev/mapper/NAME} (so the device counts as open while a client is
 * connected, and {@code remove} answers EBUSY as on NetBSD).
 */
public final class KernelExports implements NbdExports {
    private final Kernel kernel;

    public KernelExports(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public List<String> names() {
        return kernel.activeDmNames();
    }

    @Override
    public DiskHandle open(String name) {
        if (!kernel.activeDmNames().contains(name)) {
            return null;
        }
        try {
            return kernel.open("/dev/mapper/" + name);
        } catch (KernelException e) {
            return null;
        }
    }
}
