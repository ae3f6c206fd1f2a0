package org.dmemu.dev.disk;

/**
 * One entry of an in-core {@code struct partition} table (sys/sys/disklabel.h).
 *
 * @param offset {@code p_offset}: first sector (in the disk's sectors)
 * @param size   {@code p_size}: number of sectors
 * @param fstype {@code p_fstype} ({@link #FS_UNUSED} 0, {@link #FS_BSDFFS} 7 …)
 *
 * <p>Differences from NetBSD: none.
 */
public record DiskPartition(long offset, long size, int fstype) {
    /** {@code FS_UNUSED}. */
    public static final int FS_UNUSED = 0;
    /** {@code FS_BSDFFS}. */
    public static final int FS_BSDFFS = 7;
}
