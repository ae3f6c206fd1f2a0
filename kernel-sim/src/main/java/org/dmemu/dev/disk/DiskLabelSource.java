package org.dmemu.dev.disk;

/**
 * Where a disk's in-core partition table comes from. The one implementation today,
 * {@link #DEFAULT}, builds the label NetBSD fabricates for a disk that has none
 * ({@code readdisklabel} in sys/kern/subr_disk_mbr.c when no label and no MBR is found):
 * {@code d_npartitions = RAW_PART + 1}; {@code a} = the whole disk with fstype FS_BSDFFS;
 * {@code b}, {@code c} empty; {@code d} (RAW_PART) = the whole disk.
 *
 * <p>Issue 4 (the disklabel module) replaces this with a source that reads the MBR and the
 * disklabel from the disk itself.
 *
 * <p>Differences from NetBSD: the label is not read from the medium yet (see above).
 */
@FunctionalInterface
public interface DiskLabelSource {
    /** The in-core partition table for {@code disk}: {@code d_npartitions} entries. */
    DiskPartition[] partitions(Disk disk);

    /** The kernel's default label for an unlabelled disk. */
    DiskLabelSource DEFAULT = disk -> {
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
