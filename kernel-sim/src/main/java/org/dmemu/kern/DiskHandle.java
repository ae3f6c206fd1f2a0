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

    @Override
    void close();
}
