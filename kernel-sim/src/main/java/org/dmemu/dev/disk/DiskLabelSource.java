package org.dmemu.dev.disk;

/**
 * Where a disk's in-core partition table comes from. {@link #DEFAULT} takes it from the label
 * the disklabel module read off the medium at attach ({@code readdisklabel} of
 * sys/kern/subr_disk_mbr.c: the NetBSD label inside the MBR's 0xA9 partition or at LBA 1, else
 * the fabricated default label); a disk without a 512-byte sector size gets the label NetBSD
 * fabricates for a disk that has none ({@link #FABRICATED}):
 * {@code d_npartitions = RAW_PART + 1}; {@code a} = the whole disk with fstype FS_BSDFFS;
 * {@code b}, {@code c} empty; {@code d} (RAW_PART) = the whole disk.
 *
 * <p>Differences from NetBSD: labels are read for 512-byte-sector disks only.
 */
@FunctionalInterface
public interface DiskLabelSource {
    /** The in-core partition table for {@code disk}: {@code d_npartitions} entries. */
    DiskPartition[] partitions(Disk disk);

    /** The label read from the disk (issue 4), or {@link #FABRICATED} without one. */
    DiskLabelSource DEFAULT = disk -> disk.labelled() != null
            ? fromDisklabel(disk.labelled().label()) : DiskLabelSource.FABRICATED.partitions(disk);

    /** The first {@code d_npartitions} entries of {@code lp} as the in-core table. */
    static DiskPartition[] fromDisklabel(org.dmemu.disklabel.Disklabel lp) {
        int n = Math.min(lp.npartitions, org.dmemu.disklabel.Disklabel.MAXPARTITIONS);
        DiskPartition[] p = new DiskPartition[Math.max(n, Disk.RAW_PART + 1)];
        for (int i = 0; i < p.length; i++) {
            org.dmemu.disklabel.DisklabelPartition q = lp.partitions[i];
            p[i] = new DiskPartition(q.offset(), q.size(), q.fstype());
        }
        return p;
    }

    /** The kernel's default label for an unlabelled disk. */
    DiskLabelSource FABRICATED = disk -> {
        long secperunit = disk.numsec() == 0 ? 0x1fffffffL : disk.numsec();
        DiskPartition[] p = new DiskPartition[Disk.RAW_PART + 1];
        p[0] = new DiskPartition(0, secperunit, DiskPartition.FS_BSDFFS);
        for (int i = 1; i < Disk.RAW_PART; i++) {
            p[i] = new DiskPartition(0, 0, DiskPartition.FS_UNUSED);
        }
        p[Disk.RAW_PART] = new DiskPartition(0, secperunit, DiskPartition.FS_UNUSED);
        return p;
    };
}
