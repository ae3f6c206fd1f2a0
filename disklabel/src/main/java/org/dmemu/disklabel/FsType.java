package org.dmemu.disklabel;

/**
 * The {@code p_fstype} codes and {@code fstypenames[]} of sys/sys/disklabel.h (FS_*), the
 * names disklabel(8) prints and accepts.
 *
 * <p>Differences from NetBSD: none. Codes ≥ {@link #FSMAXTYPES} are kept as they are.
 */
public final class FsType {
    public static final int UNUSED = 0;
    public static final int SWAP = 1;
    public static final int BSDFFS = 7;
    public static final int MSDOS = 8;
    public static final int BSDLFS = 9;
    public static final int OTHER = 10;
    public static final int HPFS = 11;
    public static final int ISO9660 = 12;
    public static final int BOOT = 13;
    public static final int ADOS = 14;
    public static final int HFS = 15;
    public static final int FILECORE = 16;
    public static final int EX2FS = 17;
    public static final int NTFS = 18;
    public static final int RAID = 19;
    public static final int APPLEUFS = 22;
    public static final int EFS = 26;

    private static final String[] NAMES = {
        "unused", "swap", "Version 6", "Version 7", "System V", "4.1BSD", "Eighth Edition",
        "4.2BSD", "MSDOS", "4.4LFS", "unknown", "HPFS", "ISO9660", "boot", "ADOS", "HFS",
        "FILECORE", "Linux Ext2", "NTFS", "RAID", "ccd", "jfs", "Apple UFS", "vinum", "UDF",
        "SysVBFS", "EFS", "NiLFS", "cgd", "MINIX FSv3", "VMware vmkcore", "VMware VMFS",
        "VMware Reserved", "ZFS",
    };

    /** {@code FSMAXTYPES}: the number of named file system types. */
    public static final int FSMAXTYPES = NAMES.length;

    private FsType() {
    }

    /** {@code fstypenames[type]}, or null for a code ≥ {@link #FSMAXTYPES}. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : null;
    }

    /** Number of names, for iteration by the prototype parser. */
    static String nameAt(int i) {
        return NAMES[i];
    }
}
