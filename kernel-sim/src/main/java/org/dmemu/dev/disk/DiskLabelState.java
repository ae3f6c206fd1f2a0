package org.dmemu.dev.disk;

import java.util.Arrays;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelPartition;

/**
 * The in-core label as the strategy routine reads it ({@code dk_label} of {@code struct disk}):
 * one immutable snapshot, replaced as a whole by a label ioctl, so that a transfer checks its
 * bounds and the protected label sector against, and computes its position from, one and the
 * same label (issue 16 point 2).
 *
 * <p>{@link #parts} always holds {@link Disk#MAXPARTITIONS} entries, as C's
 * {@code d_partitions[MAXPARTITIONS]} does: {@code bounds_check_with_label} (sys/kern/subr_disk.c)
 * indexes {@code lp->d_partitions[DISKPART(bp->b_dev)]} without looking at {@code d_npartitions},
 * and {@code setdisklabel} installs the whole structure the caller passed ({@code *olp = *nlp},
 * every entry, those past {@code d_npartitions} included). Only {@code dk_open} reads
 * {@code d_npartitions} ({@link #npartitions}).
 *
 * <p>Differences from NetBSD: none (a Java snapshot instead of a structure under
 * {@code dk_openlock}).
 */
final class DiskLabelState {
    /** {@code d_partitions[0..MAXPARTITIONS)}. */
    final DiskPartition[] parts;
    /** The in-core table's length for {@code dk_open} and {@link Disk#partitions()}. */
    final int npartitions;
    /**
     * The protected sector in DEV_BSIZE blocks: {@code (d_partitions[2].p_offset + LABELSECTOR)
     * << dk_blkshift} (RAW_PART is 3 on amd64, so the label lives in partition {@code c}).
     */
    final long labelSector;
    /** {@code d_secpercyl}; 0 makes every non-raw transfer fail with EINVAL. */
    final long secpercyl;

    private DiskLabelState(DiskPartition[] parts, int npartitions, long secpercyl, int blkshift) {
        this.parts = parts;
        this.npartitions = npartitions;
        this.secpercyl = secpercyl;
        this.labelSector = (parts[2].offset() + Disk.LABELSECTOR) << blkshift;
    }

    /**
     * The state for an in-core table of {@code table.length} entries; the entries past it come
     * from {@code full} (the whole in-core {@link Disklabel}), or are empty without one.
     */
    static DiskLabelState of(DiskPartition[] table, Disklabel full, int blkshift) {
        DiskPartition[] p = new DiskPartition[Disk.MAXPARTITIONS];
        int n = Math.min(table.length, Disk.MAXPARTITIONS);
        System.arraycopy(table, 0, p, 0, n);
        for (int i = n; i < p.length; i++) {
            p[i] = full == null ? new DiskPartition(0, 0, DiskPartition.FS_UNUSED) : partition(full.partitions[i]);
        }
        return new DiskLabelState(p, n, full == null ? 1 : full.secpercyl, blkshift);
    }

    /** The state after DIOCSDINFO/DIOCWDINFO installed {@code lp}. */
    static DiskLabelState of(Disklabel lp, int blkshift) {
        return of(DiskLabelSource.fromDisklabel(lp), lp, blkshift);
    }

    private static DiskPartition partition(DisklabelPartition q) {
        return new DiskPartition(q.offset(), q.size(), q.fstype());
    }

    /** The first {@link #npartitions} entries (a copy). */
    DiskPartition[] table() {
        return Arrays.copyOf(parts, npartitions);
    }
}
