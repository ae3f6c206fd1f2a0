package org.dmemu.dev.dm.target.mirror;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;

/**
 * The dirty region logs of Linux's drivers/md/dm-log.c: {@code core} (in memory) and
 * {@code disk} (on a log device), with the sync modes of {@code create_log_context}.
 *
 * <p>Two bitsets of one bit per region: {@code sync} (the region's legs hold the same data)
 * and {@code clean} (no write in flight; what the disk log persists). Disk layout, as
 * dm-log.c writes it from sector 0 of the log device:
 *
 * <pre>
 * byte 0     le32 magic 0x4D695272 ("rRiM" on disk, MIRROR_MAGIC), le32 version 2, le64 nr_regions
 * byte 1024  the clean bitset (LOG_OFFSET = 2 sectors), little-endian bit order: region i is
 *            bit (i mod 8) of byte (i div 8); a set bit = clean
 * </pre>
 *
 * A write first clears its region's clean bit on disk, then goes to the legs, then sets it
 * again; at load a valid header (and no {@code sync}/{@code nosync}) keeps the bits, so only
 * regions that were being written when the daemon stopped are resynchronised.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no mirror target; part of a dmemu extension (--targets mirror).
 *
 * <p>Differences from Linux: bit changes are written through at once, one sector at a time
 * (Linux batches them until its next flush); a log I/O error marks the log device failed
 * ({@code D}) and the log carries on in memory. Callers hold the region's lock.
 */
public final class DirtyLog {
    /** {@code MIRROR_MAGIC}. */
    public static final int MIRROR_MAGIC = 0x4D695272;
    /** {@code MIRROR_DISK_VERSION}. */
    public static final int MIRROR_DISK_VERSION = 2;
    /** {@code LOG_OFFSET}: sectors before the bitset. */
    public static final int LOG_OFFSET = 2;

    /** {@code enum sync}. */
    public enum Sync { DEFAULTSYNC, NOSYNC, FORCESYNC }

    final long regionSize;
    final long regionCount;
    final Sync sync;
    /** The log device, null for core. */
    final DmPdev logDev;
    private final byte[] buf;
    private final boolean[] inSync;
    private long syncCount;
    private volatile boolean logDevFailed;

    private DirtyLog(long regionSize, long regionCount, Sync sync, DmPdev logDev) {
        this.regionSize = regionSize;
        this.regionCount = regionCount;
        this.sync = sync;
        this.logDev = logDev;
        this.inSync = new boolean[(int) regionCount];
        this.buf = new byte[bufSize(regionCount, logDev == null ? Buf.DEV_BSIZE : logDev.secsize())];
    }

    /**
     * {@code core_ctr}/{@code disk_ctr} + {@code disk_resume}: a log for {@code regionCount}
     * regions. The disk log reads its header and bits and writes them back.
     */
    public static DirtyLog create(long regionSize, long regionCount, Sync sync, DmPdev logDev) throws DmException {
        DirtyLog l = new DirtyLog(regionSize, regionCount, sync, logDev);
        boolean keep = false;
        if (logDev != null) {
            if ((long) l.buf.length > logDev.numsec() * logDev.secsize()) {
                throw new DmException(Errno.EINVAL, "Error creating mirror dirty log: requested log size exceeds device size");
            }
            if (l.io(true, 0, l.buf.length) != Errno.NONE) {
                throw new DmException(Errno.EIO, "Error creating mirror dirty log: unable to read the log header");
            }
            int magic = le32(l.buf, 0);
            int version = le32(l.buf, 4);
            keep = sync == Sync.DEFAULTSYNC && magic == MIRROR_MAGIC;
            if (keep && version != 1 && version != MIRROR_DISK_VERSION) {
                throw new DmException(Errno.EINVAL, "Error creating mirror dirty log: incompatible disk log version");
            }
            long onDisk = keep ? le64(l.buf, 8) : 0;
            for (long i = 0; i < regionCount; i++) {
                if (i >= onDisk) {
                    l.setBit(i, sync == Sync.NOSYNC);
                }
            }
            for (long i = regionCount; i < (long) (l.buf.length - LOG_OFFSET * Buf.DEV_BSIZE) * 8; i++) {
                l.setBit(i, false);
            }
        } else {
            for (long i = 0; i < regionCount; i++) {
                l.setBit(i, sync == Sync.NOSYNC);
            }
        }
        for (int i = 0; i < regionCount; i++) {
            l.inSync[i] = l.bit(i);
            if (l.inSync[i]) {
                l.syncCount++;
            }
        }
        if (logDev != null) {
            putLe32(l.buf, 0, MIRROR_MAGIC);
            putLe32(l.buf, 4, MIRROR_DISK_VERSION);
            putLe64(l.buf, 8, regionCount);
            if (l.io(false, 0, l.buf.length) != Errno.NONE) {
                l.logDevFailed = true;
            }
        }
        return l;
    }

    /**
     * The log area in bytes: header sectors plus the bitset (whole 32-bit words), rounded up to
     * the log device's sector size ({@code dm_round_up(..., bdev_logical_block_size)}).
     */
    public static int bufSize(long regionCount, int secsize) {
        long bits = (regionCount + 31) / 32 * 4;
        long bytes = (long) LOG_OFFSET * Buf.DEV_BSIZE + bits;
        return (int) ((bytes + secsize - 1) / secsize * secsize);
    }

    public long regionSize() {
        return regionSize;
    }

    public long regionCount() {
        return regionCount;
    }

    public Sync sync() {
        return sync;
    }

    /** The log device, or null for a core log. */
    public DmPdev logDev() {
        return logDev;
    }

    /** {@code get_sync_count}. */
    public synchronized long syncCount() {
        return syncCount;
    }

    /** {@code in_sync(region)}. */
    public synchronized boolean inSync(long region) {
        return inSync[(int) region];
    }

    /** {@code set_region_sync(region, in_sync)}. */
    public synchronized void setRegionSync(long region, boolean s) {
        if (inSync[(int) region] != s) {
            inSync[(int) region] = s;
            syncCount += s ? 1 : -1;
        }
        if (s) {
            markClean(region);
        }
    }

    /** {@code mark_region}: the region is about to be written (disk: clean bit cleared on disk). */
    public synchronized void markDirty(long region) {
        if (bit(region)) {
            setBit(region, false);
            writeBitSector(region);
        }
    }

    /** {@code clear_region} once the write is done and the region is in sync. */
    public synchronized void markClean(long region) {
        if (inSync[(int) region] && !bit(region)) {
            setBit(region, true);
            writeBitSector(region);
        }
    }

    /** The log device's state letter: A, or D after a log I/O error. */
    public char logDevState() {
        return logDevFailed ? 'D' : 'A';
    }

    private void writeBitSector(long region) {
        if (logDev == null) {
            return;
        }
        int bs = Math.max(Buf.DEV_BSIZE, logDev.secsize());
        int byteAt = LOG_OFFSET * Buf.DEV_BSIZE + (int) (region / 8);
        int sec = byteAt / bs * bs;
        if (io(false, sec, bs) != Errno.NONE) {
            logDevFailed = true;
        }
    }

    private Errno io(boolean read, int off, int len) {
        Buf b = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, off / Buf.DEV_BSIZE, buf, off, len);
        logDev.strategy(b, 0);
        return b.error() == Errno.NONE && b.resid() > 0 ? Errno.EIO : b.error();
    }

    boolean bit(long i) {
        int at = LOG_OFFSET * Buf.DEV_BSIZE + (int) (i / 8);
        return (buf[at] & (1 << (i % 8))) != 0;
    }

    void setBit(long i, boolean on) {
        int at = LOG_OFFSET * Buf.DEV_BSIZE + (int) (i / 8);
        if (on) {
            buf[at] |= (byte) (1 << (i % 8));
        } else {
            buf[at] &= (byte) ~(1 << (i % 8));
        }
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int o) {
        return (le32(b, o) & 0xffffffffL) | ((long) le32(b, o + 4)) << 32;
    }

    static void putLe32(byte[] b, int o, int v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putLe64(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }
}
