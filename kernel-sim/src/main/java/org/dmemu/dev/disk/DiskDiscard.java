package org.dmemu.dev.disk;

import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.TracePoint;

/**
 * A disk's discard (sys/dev/dksubr.c {@code dk_discard} with {@code dk_translate}'s checks, and
 * the driver's {@code d_discard}) and dmemu's block-status query, on one {@link Disk}'s label
 * snapshot and medium. {@link Disk#discard} and {@link Disk#blockStatus} call them.
 *
 * <p>Differences from NetBSD: the emulated media always honour a discard (wd(4) answers ENODEV
 * when the drive has no TRIM) and the discarded range then reads as zeros (a real TRIM need
 * not); the block status is a dmemu extension (no NetBSD disk answers such a query).
 */
final class DiskDiscard {
    private DiskDiscard() {
    }

    /**
     * {@code dk_discard} (sys/dev/dksubr.c) and the disk's {@code d_discard} on partition
     * {@code part}: discards {@code count} DEV_BSIZE blocks from {@code blkno} of the partition.
     * As {@code dk_discard}: EINVAL unless the range starts and ends on a sector boundary; then
     * {@code dk_translate}'s checks: EINVAL for a start past the end, a range crossing the end is
     * cut there, a range starting at the end is done (nothing to discard); EROFS for a non-raw
     * range covering the label sector while DIOCWLABEL is off (a discard is a {@code B_WRITE}
     * buf). Then the medium discards the bytes: memory chunks are dropped, an image file gets
     * a hole ({@code fallocate(PUNCH_HOLE)}); ENODEV when the medium cannot (an image file on a
     * file system without hole punching, or without dmemu's native library), EIO on failure.
     *
     * <p>Differences from NetBSD: the emulated media always honour a discard (wd(4) answers
     * ENODEV when the drive has no TRIM) and the discarded range then reads as zeros (a real
     * TRIM need not).
     */
    static Errno discard(Disk disk, int part, long blkno, long count) {
        if (blkno < 0 || count < 0 || ((blkno << Buf.DEV_BSHIFT) % disk.secsize()) != 0
                || ((count << Buf.DEV_BSHIFT) % disk.secsize()) != 0) {
            return traced(disk, Errno.EINVAL, DISCARD_EINVAL, Errno.EINVAL);
        }
        if (count == 0) {
            return Errno.NONE;
        }
        DiskLabelState st = disk.labelState(); // one snapshot, as the strategy routine reads it
        DiskPartition[] lp = st.parts;
        long limit = disk.rawBlocks();
        long poff = 0;
        if (part != Disk.RAW_PART) {
            if (part < 0 || part >= lp.length) {
                return traced(disk, Errno.ENXIO, DISCARD_NO_PARTITION);
            }
            limit = lp[part].size() << disk.blkshift();
            poff = lp[part].offset();
        }
        if (blkno + count > limit) {
            long left = limit - blkno;
            if (left == 0) {
                return Errno.NONE;
            }
            if (left < 0) {
                return traced(disk, Errno.EINVAL, DISCARD_PAST_END, blkno, limit, Errno.EINVAL);
            }
            count = left;
        }
        if (part != Disk.RAW_PART) {
            if (st.secpercyl == 0) {
                return traced(disk, Errno.EINVAL, Disk.NO_SECPERCYL, Errno.EINVAL);
            }
            long ls = st.labelSector;
            long first = blkno + (poff << disk.blkshift());
            if (!disk.labelWritable() && first <= ls && first + count > ls) {
                return traced(disk, Errno.EROFS, DISCARD_LABEL, ls, Errno.EROFS);
            }
        }
        long pos = ((blkno >> disk.blkshift()) + poff) * disk.secsize();
        long len = count << Buf.DEV_BSHIFT;
        Errno e = disk.store().discard(pos, len);
        if (disk.trace() != null) {
            disk.trace().emit(0, DK_DISCARD, disk.partName(part), pos, len, e);
        }
        return e;
    }

    /**
     * The block status of {@code count} DEV_BSIZE blocks from {@code blkno} of partition
     * {@code part}, appended to {@code out}: holes of the medium (memory chunks never written,
     * image-file holes found with {@code SEEK_HOLE}/{@code SEEK_DATA}) as HOLE|ZERO, the rest
     * as DATA; blocks past the partition's end as DATA (reads there fail). Always NONE.
     *
     * <p>Differences from NetBSD: a dmemu extension (no NetBSD disk answers such a query).
     */
    static Errno blockStatus(Disk disk, int part, long blkno, long count, Extents out) {
        DiskPartition[] lp = disk.labelState().parts;
        long limit = disk.rawBlocks();
        long poff = 0;
        if (part != Disk.RAW_PART && part < lp.length) {
            limit = lp[part].size() << disk.blkshift();
            poff = lp[part].offset();
        }
        int shift = disk.blkshift();
        BackingStore store = disk.store();
        long inside = blkno < 0 || blkno >= limit ? 0 : Math.min(count, limit - blkno);
        long pos = ((blkno >> shift) + poff) * disk.secsize() + ((blkno & ((1L << shift) - 1)) << Buf.DEV_BSHIFT);
        long end = pos + (inside << Buf.DEV_BSHIFT);
        long p = pos;
        while (p < end && !out.full()) {
            long d = store.nextData(p);
            if (d < 0) {
                break;
            }
            if (d > p) {
                long h = Math.min(d, end);
                out.add(h - p, Extents.HOLE | Extents.ZERO);
                p = h;
                continue;
            }
            long h = store.nextHole(p);
            if (h <= p) {
                break;
            }
            h = Math.min(h, end);
            out.add(h - p, Extents.DATA);
            p = h;
        }
        out.add(end - p + ((count - inside) << Buf.DEV_BSHIFT), Extents.DATA);
        return Errno.NONE;
    }

    private static Errno traced(Disk disk, Errno e, TracePoint why, Object... values) {
        if (disk.trace() != null) {
            disk.trace().emit(0, why, values);
        }
        return e;
    }

    // trace points
    private static final TracePoint DISCARD_EINVAL = TracePoint.of("dk_discard",
            "dk_discard: {error} (not whole sectors or blkno < 0)");
    private static final TracePoint DISCARD_NO_PARTITION = TracePoint.of("dk_discard", "dk_discard: no partition");
    private static final TracePoint DISCARD_PAST_END = TracePoint.of("dk_discard",
            "dk_discard: blkno {blkno} past the end {limit} -> {error}");
    private static final TracePoint DISCARD_LABEL = TracePoint.of("dk_discard",
            "dk_discard: range covers the label sector {label_sector} -> {error}");
    private static final TracePoint DK_DISCARD = TracePoint.of("dk_discard", "dk_discard {dev} bytes {pos}+{len} -> {error}");
}
