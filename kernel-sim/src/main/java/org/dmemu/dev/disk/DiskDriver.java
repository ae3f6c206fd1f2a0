package org.dmemu.dev.disk;

/**
 * The NetBSD/amd64 disk drivers dmemu can emulate, with their device majors from
 * sys/arch/amd64/conf/majors.amd64 ({@code device-major wd char 3 block 0} …).
 *
 * <p>Differences from NetBSD: all four drivers share one strategy routine shaped like
 * {@code dk_strategy}/{@code dk_translate} (sys/dev/dksubr.c), which wd and ld use; sd and vnd
 * have their own routines in NetBSD with the same bounds rules.
 */
public enum DiskDriver {
    WD("wd", 0, 3),
    SD("sd", 4, 13),
    LD("ld", 19, 69),
    VND("vnd", 14, 41);

    private final String prefix;
    private final int bmajor;
    private final int cmajor;

    DiskDriver(String prefix, int bmajor, int cmajor) {
        this.prefix = prefix;
        this.bmajor = bmajor;
        this.cmajor = cmajor;
    }

    /** The unit name prefix: {@code wd}, {@code sd}, {@code ld}, {@code vnd}. */
    public String prefix() {
        return prefix;
    }

    /** The block device major. */
    public int bmajor() {
        return bmajor;
    }

    /** The character (raw) device major. */
    public int cmajor() {
        return cmajor;
    }

    /** The driver whose units are named {@code prefix}, or null. */
    public static DiskDriver byPrefix(String prefix) {
        for (DiskDriver d : values()) {
            if (d.prefix.equals(prefix)) {
                return d;
            }
        }
        return null;
    }
}
