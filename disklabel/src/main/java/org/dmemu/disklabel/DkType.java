package org.dmemu.disklabel;

/**
 * The {@code d_type} codes and {@code dktypenames[]} of sys/sys/disklabel.h (DKTYPE_*).
 *
 * <p>Differences from NetBSD: none.
 */
public final class DkType {
    public static final int UNKNOWN = 0;
    public static final int SCSI = 4;
    public static final int ESDI = 5;
    public static final int ST506 = 6;
    public static final int FLOPPY = 10;
    public static final int VND = 12;
    public static final int DM = 20;

    private static final String[] NAMES = {
        "unknown", "SMD", "MSCP", "old DEC", "SCSI", "ESDI", "ST506", "HP-IB", "HP-FL", "type 9",
        "floppy", "ccd", "vnd", "ATAPI", "RAID", "ld", "jfs", "cgd", "vinum", "flash", "dm",
        "rumpd", "md",
    };

    /** {@code DKMAXTYPES}: the number of named drive types. */
    public static final int DKMAXTYPES = NAMES.length;

    private DkType() {
    }

    /** {@code dktypenames[type]}, or null for a code ≥ {@link #DKMAXTYPES}. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : null;
    }

    /** The code whose name equals {@code s} ignoring case (as disklabel(8)), or -1. */
    public static int lookup(String s) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(s)) {
                return i;
            }
        }
        return -1;
    }
}
