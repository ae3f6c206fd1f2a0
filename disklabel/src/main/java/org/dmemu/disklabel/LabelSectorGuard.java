package org.dmemu.disklabel;

/**
 * The label-sector write protection of a disk unit: the {@code DIOCWLABEL} flag
 * ({@code WDF_WLABEL} / {@code DKF_WLABEL}), the transient "labelling" flag set while
 * {@code DIOCSDINFO}/{@code DIOCWDINFO} run, and the bounds checks a disk strategy routine
 * applies: {@code bounds_check_with_label()} and {@code bounds_check_with_mediasize()} of
 * sys/kern/subr_disk.c (rev 1.113), selected as {@code wdstrategy()} (sys/dev/ata/wd.c)
 * does: the raw partition is checked against the media size only, every other partition
 * against its label entry and the label sector.
 *
 * <p>No allocation and no exception: a check returns an {@code int} that is either the byte
 * count to transfer (possibly truncated; 0 = end of partition, the request completes with
 * resid = bcount) or a negated NetBSD errno ({@code -EINVAL}, {@code -EROFS}).
 *
 * <p>Differences from NetBSD: {@code b_cylinder} (for disksort) is not computed. Sector size
 * is 512 ({@code dk_blkshift} = 0).
 */
public final class LabelSectorGuard {
    /** NetBSD errno numbers used here (sys/errno.h). */
    public static final int EINVAL = 22;
    public static final int EROFS = 30;

    private volatile boolean wlabel;
    private volatile boolean labelling;

    /** DIOCWLABEL: nonzero → label sector writable, 0 → read-only. */
    public void setWlabel(boolean on) {
        wlabel = on;
    }

    /** The DIOCWLABEL flag. */
    public boolean wlabel() {
        return wlabel;
    }

    /** Sets/clears the transient labelling flag (DIOCSDINFO/DIOCWDINFO in progress). */
    public void setLabelling(boolean on) {
        labelling = on;
    }

    /** True if writes may cover the label sector: WLABEL or labelling. */
    public boolean writable() {
        return wlabel || labelling;
    }

    /**
     * The strategy routine's check for a request to partition {@code part} of a disk whose
     * in-core label is {@code lp} and whose size is {@code mediaSectors}.
     *
     * @return the bytes to transfer (≤ bcount; 0 = EOF) or a negated errno
     */
    public int check(Disklabel lp, int part, long blkno, int bcount, boolean read,
                     long mediaSectors) {
        if (part == Disklabel.RAW_PART) {
            return boundsCheckWithMediasize(blkno, bcount, SectorSource.DEV_BSIZE, mediaSectors);
        }
        return boundsCheckWithLabel(lp, part, blkno, bcount, read, writable());
    }

    /**
     * {@code bounds_check_with_mediasize()}: negative block → -EINVAL; past the end →
     * -EINVAL; exactly at the end → 0 (EOF); straddling the end → truncated.
     */
    public static int boundsCheckWithMediasize(long blkno, int bcount, int secsize,
                                               long mediasize) {
        if (blkno < 0) {
            return -EINVAL;
        }
        long sz = (bcount + (long) secsize - 1) / secsize;
        if (blkno + sz > mediasize) {
            sz = mediasize - blkno;
            if (sz == 0) {
                return 0;
            }
            if (sz < 0) {
                return -EINVAL;
            }
            return (int) (sz * secsize);
        }
        return bcount;
    }

    /**
     * {@code bounds_check_with_label()} for partition {@code part} of {@code lp}: the
     * partition end (EOF / -EINVAL / truncation as for the media size), then the label rule:
     * a write whose range covers {@code d_partitions[2].p_offset + LABELSECTOR} fails with
     * -EROFS unless {@code wlabel}. {@code d_secpercyl == 0} → -EINVAL.
     */
    public static int boundsCheckWithLabel(Disklabel lp, int part, long blkno, int bcount,
                                           boolean read, boolean wlabel) {
        if (blkno < 0) {
            return -EINVAL;
        }
        if (lp.secpercyl == 0) {
            return -EINVAL;
        }
        DisklabelPartition p = lp.partitions[part];
        long pSize = p.size();
        long pOffset = p.offset();
        long labelsector = labelSector(lp);
        long sz = (bcount + 511L) / 512;
        int count = bcount;
        if (blkno + sz > pSize) {
            sz = pSize - blkno;
            if (sz == 0) {
                return 0;
            }
            if (sz < 0) {
                return -EINVAL;
            }
            count = (int) (sz << 9);
        }
        if (blkno + pOffset <= labelsector && blkno + pOffset + sz > labelsector
                && !read && !wlabel) {
            return -EROFS;
        }
        return count;
    }

    /**
     * The protected sector: {@code d_partitions[2].p_offset + LABELSECTOR} on a RAW_PART = 3
     * port (x86: the NetBSD MBR partition's start + 1, LBA 64 in the usual layout).
     */
    public static long labelSector(Disklabel lp) {
        return lp.partitions[2].offset() + Disklabel.LABELSECTOR;
    }
}
