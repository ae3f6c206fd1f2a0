package org.dmemu.serve;

import java.util.List;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * The daemon's exports: every dm device that has an active table, by its name, opened as the
 * raw node {@code /dev/rmapper/NAME} (so the device counts as open while a client is
 * connected, and {@code remove} answers EBUSY as on NetBSD; a raw node, because specfs allows
 * only one open of the block node: several connections, and tables stacked on the device,
 * could not coexist with a block open).
 *
 * <p>The export size is {@code dmsize}'s: the sum of the active table's lengths times
 * {@code DEV_BSIZE}, read from the device ({@link DiskHandle#currentSize()}) when the client
 * connects. (NetBSD's
 * {@code DIOCGMEDIASIZE} is 0 for a table whose targets have no sector size, such as
 * {@code zero} or {@code error} alone, which would make an empty export.) The transfer unit is
 * {@code DIOCGSECTORSIZE}, or {@code DEV_BSIZE} when that is 0.
 *
 * <p>Differences from NetBSD: the export size is {@code dmsize} (Σ lengths), not
 * {@code DIOCGMEDIASIZE}; NetBSD has no NBD server.
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

    /**
     * Opens {@code /dev/mapper/NAME} once and sizes the device that was opened (a rename or a
     * remove after the open cannot give the export another device's size); null if there is no
     * such device or it has no active table.
     */
    @Override
    public DiskHandle open(String name) {
        DiskHandle h;
        try {
            h = kernel.open(Kernel.RMAPPER + name);
        } catch (KernelException e) {
            return null;
        }
        long size = h.currentSize();
        int ss = h.sectorSize();
        return new Sized(h, size, ss > 0 ? ss : Buf.DEV_BSIZE);
    }

    /** An open dm device with the export's size and transfer unit. */
    private record Sized(DiskHandle h, long size, int unit) implements DiskHandle {
        @Override
        public String path() {
            return h.path();
        }

        @Override
        public void strategy(Buf bp) {
            h.strategy(bp);
        }

        @Override
        public long mediaSize() {
            return size;
        }

        @Override
        public int sectorSize() {
            return unit;
        }

        @Override
        public Errno cacheSync() {
            return h.cacheSync();
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] arg) {
            return h.ioctl(cmd, arg);
        }

        @Override
        public Errno discard(long offset, long length) {
            return h.discard(offset, length);
        }

        @Override
        public Errno blockStatus(long offset, long length, org.dmemu.sys.Extents out) {
            return h.blockStatus(offset, length, out);
        }

        @Override
        public boolean readOnly() {
            return h.readOnly();
        }

        @Override
        public long currentSize() {
            return h.currentSize();
        }

        @Override
        public void close() {
            h.close();
        }
    }
}
