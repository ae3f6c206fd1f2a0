package org.dmemu.kern;

/**
 * One disk unit registered at boot: {@code UNIT=SOURCE[,secsize=N]} on the command line.
 *
 * @param unit    a NetBSD disk unit name: {@code wd0}, {@code sd1}, {@code ld0}, {@code vnd0} …
 * @param source  {@code mem:SIZE} (suffix K, M, G, or s for 512-byte sectors) or
 *                {@code file:PATH} (an existing image file, written in place)
 * @param secsize the sector size in bytes (512 unless given)
 */
public record DiskSpec(String unit, String source, int secsize) {
}
