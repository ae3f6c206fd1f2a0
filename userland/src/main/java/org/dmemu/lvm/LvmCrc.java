package org.dmemu.lvm;

/**
 * LVM2's checksum ({@code calc_crc}, lib/misc/crc.c): the reflected CRC-32 polynomial
 * 0xEDB88320, started from {@link #INITIAL_CRC} and finished without the final inversion
 * that zlib's CRC-32 applies. It protects the label (from {@code offset_xl} to the end of
 * the sector), the mda header (all but its first four bytes) and each metadata text.
 *
 * <p>Differences from LVM2: none (a byte-wise table instead of LVM2's nibble table; the
 * result is the same).
 */
public final class LvmCrc {
    /** {@code INITIAL_CRC} (lib/misc/crc.h). */
    public static final int INITIAL_CRC = 0xf597a6cf;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private LvmCrc() {
    }

    /** {@code calc_crc(initial, buf + off, len)}: continues a checksum over more bytes. */
    public static int calc(int initial, byte[] buf, int off, int len) {
        int crc = initial;
        for (int i = off; i < off + len; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ buf[i]) & 0xff];
        }
        return crc;
    }
}
