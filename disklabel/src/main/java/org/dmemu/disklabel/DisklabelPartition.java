package org.dmemu.disklabel;

/**
 * One entry of {@code d_partitions[]}: emulates {@code struct partition} of sys/sys/disklabel.h
 * (16 bytes on disk).
 *
 * <p>All fields hold the unsigned C values: {@code p_size}, {@code p_offset} and {@code p_fsize}
 * are {@code uint32_t} (0 … 2³²−1, kept in a long), {@code p_fstype} and {@code p_frag} are
 * {@code uint8_t}, {@code p_cpg} is {@code uint16_t}. The union members {@code p_cdsession}
 * (same bytes as {@code p_fsize}) and {@code p_sgs} (same bytes as {@code p_cpg}) are reached
 * through {@link #cdsession()} and {@link #sgs()}.
 *
 * <p>Differences from NetBSD: none (immutable value instead of a mutable struct).
 *
 * @param size   {@code p_size}: number of sectors; 0 = empty entry
 * @param offset {@code p_offset}: first sector, absolute from the start of the whole disk
 * @param fsize  {@code p_fsize}: fragment size in bytes (FFS)
 * @param fstype {@code p_fstype}: file system type, see {@link FsType}
 * @param frag   {@code p_frag}: fragments per block
 * @param cpg    {@code p_cpg}: cylinders per group (FFS) / segment shift (LFS)
 */
public record DisklabelPartition(long size, long offset, long fsize, int fstype, int frag, int cpg) {
    /** An empty (all-zero) entry. */
    public static final DisklabelPartition EMPTY = new DisklabelPartition(0, 0, 0, 0, 0, 0);

    public DisklabelPartition {
        checkRange("p_size", size, 0xFFFF_FFFFL);
        checkRange("p_offset", offset, 0xFFFF_FFFFL);
        checkRange("p_fsize", fsize, 0xFFFF_FFFFL);
        checkRange("p_fstype", fstype, 0xFF);
        checkRange("p_frag", frag, 0xFF);
        checkRange("p_cpg", cpg, 0xFFFF);
    }

    /** An entry with only size, offset and fstype set. */
    public static DisklabelPartition of(long size, long offset, int fstype) {
        return new DisklabelPartition(size, offset, 0, fstype, 0, 0);
    }

    /** {@code p_cdsession} (ISO9660): the same 4 bytes as {@code p_fsize}. */
    public long cdsession() {
        return fsize;
    }

    /** {@code p_sgs} (LFS): the same 2 bytes as {@code p_cpg}. */
    public int sgs() {
        return cpg;
    }

    /** True if {@code p_size == 0}. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** A copy with another size and offset. */
    public DisklabelPartition withSizeOffset(long newSize, long newOffset) {
        return new DisklabelPartition(newSize, newOffset, fsize, fstype, frag, cpg);
    }

    /** A copy with another fstype. */
    public DisklabelPartition withFstype(int newFstype) {
        return new DisklabelPartition(size, offset, fsize, newFstype, frag, cpg);
    }

    static void checkRange(String field, long v, long max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(field + " out of range: " + v);
        }
    }
}
