package org.dmemu.kern;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One disk unit registered at boot: {@code UNIT=SOURCE[,secsize=N]} on the command line.
 *
 * @param unit    a NetBSD disk unit name: {@code wd0}, {@code sd1}, {@code ld0}, {@code vnd0} …
 * @param source  {@code mem:SIZE} (suffix K, M, G, or s for 512-byte sectors) or
 *                {@code file:PATH} (an existing image file, written in place)
 * @param secsize the sector size in bytes (512 unless given)
 */
public record DiskSpec(String unit, String source, int secsize) {
    private static final Pattern UNIT = Pattern.compile("(wd|sd|ld|vnd)(0|[1-9][0-9]{0,5})");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([KMGs]?)");

    /** A parsed unit name: driver prefix and unit number. */
    public record Unit(String prefix, int number) {
    }

    /**
     * Parses {@code UNIT=SOURCE[,secsize=N]}.
     *
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    public static DiskSpec parse(String s) {
        int eq = s.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("disk '" + s + "': expected UNIT=SOURCE[,secsize=N]");
        }
        String unit = s.substring(0, eq);
        String rest = s.substring(eq + 1);
        parseUnit(unit);
        int secsize = 512;
        int comma = rest.lastIndexOf(",secsize=");
        if (comma >= 0) {
            String n = rest.substring(comma + ",secsize=".length());
            rest = rest.substring(0, comma);
            try {
                secsize = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("disk '" + s + "': bad secsize '" + n + "'");
            }
            if (secsize < 512 || secsize > 65536 || Integer.bitCount(secsize) != 1) {
                throw new IllegalArgumentException("disk '" + s + "': secsize must be a power of two from 512 to 65536");
            }
        }
        if (rest.startsWith("mem:")) {
            long size;
            try {
                size = parseSize(rest.substring(4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("disk '" + s + "': " + e.getMessage());
            }
            if (size < secsize) {
                throw new IllegalArgumentException("disk '" + s + "': size smaller than one sector");
            }
        } else if (rest.startsWith("file:")) {
            if (rest.length() == 5) {
                throw new IllegalArgumentException("disk '" + s + "': empty file path");
            }
        } else {
            throw new IllegalArgumentException("disk '" + s + "': SOURCE must be mem:SIZE or file:PATH");
        }
        return new DiskSpec(unit, rest, secsize);
    }

    /** Parses a unit name ({@code wd1}); IllegalArgumentException if it is not one. */
    public static Unit parseUnit(String unit) {
        Matcher m = UNIT.matcher(unit);
        if (!m.matches()) {
            throw new IllegalArgumentException("disk unit '" + unit + "': expected wdN, sdN, ldN or vndN");
        }
        return new Unit(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** Parses {@code N[K|M|G|s]} into bytes (K/M/G binary; s = 512-byte sectors). */
    public static long parseSize(String size) {
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad size '" + size + "' (expected N, NK, NM, NG or Ns)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + size + "' too large");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "s" -> 9;
            default -> 0;
        };
        if (n == 0 || n > (Long.MAX_VALUE >> (shift + 1))) {
            throw new IllegalArgumentException("size '" + size + "' out of range");
        }
        return n << shift;
    }
}
