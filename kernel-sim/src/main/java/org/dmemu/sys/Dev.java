package org.dmemu.sys;

/**
 * NetBSD's {@code dev_t} encoding (sys/sys/types.h {@code makedev}, {@code major}, {@code minor}).
 *
 * <p>A dev_t is 64 bits in NetBSD; only the low 32 are used by this encoding:
 * major in bits 8–19, minor bits 0–7 in bits 0–7 and minor bits 8–19 in bits 20–31.
 *
 * <p>Differences from NetBSD: none.
 */
public final class Dev {
    private Dev() {
    }

    /** {@code makedev(major, minor)}. */
    public static long makedev(long major, long minor) {
        return ((major << 8) & 0x000fff00L) | ((minor << 12) & 0xfff00000L) | (minor & 0x000000ffL);
    }

    /** {@code major(dev)}. */
    public static long major(long dev) {
        return (dev & 0x000fff00L) >>> 8;
    }

    /** {@code minor(dev)}. */
    public static long minor(long dev) {
        return ((dev & 0xfff00000L) >>> 12) | (dev & 0x000000ffL);
    }
}
