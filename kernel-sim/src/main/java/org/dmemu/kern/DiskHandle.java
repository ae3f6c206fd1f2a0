package org.dmemu.kern;

import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * An open block device node of the emulated {@code /dev}: a dm disk ({@code /dev/mapper/NAME})
 * or a partition of an emulated disk ({@code /dev/wd1a}, {@code /dev/rwd1d}).
 * Obtained from {@link Kernel#open(String)}, released by {@link #close()} (the device's close
 * routine runs).
 */
public interface DiskHandle extends AutoCloseable {
    /** The emulated path this handle was opened by. */
    String path();

    /** The device's strategy routine; the outcome is in {@code bp.error()} and {@code bp.resid()}. */
    void strategy(Buf bp);

    /** {@code DIOCGMEDIASIZE}: the size in bytes (0 for a dm device without an active table). */
    long mediaSize();

    /** {@code DIOCGSECTORSIZE}. */
    int sectorSize();

    /** {@code DIOCCACHESYNC}: flushes everything written to the backing store. */
    Errno cacheSync();

    /**
     * A disk ioctl ({@code DIOC*}, see {@link org.dmemu.dev.disk.Dkio}) on this node: {@code arg}
     * is the argument buffer (in and out, little-endian); the result's {@code out} holds what
     * the ioctl copied out. ENOTTY for ioctls the device does not answer.
     */
    default IoctlResult ioctl(long cmd, byte[] arg) {
        return new IoctlResult(Errno.ENOTTY.number(), new byte[0]);
    }

    /**
     * Discards {@code length} bytes at byte {@code offset} (both multiples of the sector size;
     * see {@link org.dmemu.dev.disk.Disk#discard}, {@link org.dmemu.dev.dm.DmBlockOps#discard}):
     * afterwards the range reads as zeros. The default, a node without discard: ENODEV.
     */
    default Errno discard(long offset, long length) {
        return Errno.ENODEV;
    }

    /**
     * The block status of {@code length} bytes at byte {@code offset}, appended to {@code out}
     * from {@code offset} on (possibly fewer bytes, never more). NONE, or the errno when not
     * even the first byte could be answered (EINVAL: past the end or unmapped). The default:
     * all data.
     */
    default Errno blockStatus(long offset, long length, org.dmemu.sys.Extents out) {
        out.add(length, org.dmemu.sys.Extents.DATA);
        return Errno.NONE;
    }

    /** True when the device is read-only (a dm device created with {@code READONLY}). */
    default boolean readOnly() {
        return false;
    }

    /**
     * The size in bytes now (a dm device: Σ lengths of the active table × DEV_BSIZE, 0 once
     * removed), which may differ from the size seen at open after a reload.
     */
    default long currentSize() {
        return mediaSize();
    }

    @Override
    void close();
}
