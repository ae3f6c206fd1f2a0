package org.dmemu.dev.disk;

/**
 * The disk ioctl numbers of sys/sys/dkio.h as encoded on LP64 (amd64) by sys/sys/ioccom.h:
 * direction bits 30–31, argument size in bits 16–28, group {@code 'd'} in bits 8–15, number in
 * bits 0–7. Arguments are little-endian, as on amd64.
 *
 * <p>Differences from NetBSD: none (LP64 encodings only).
 */
public final class Dkio {
    private Dkio() {
    }

    /** {@code DIOCWLABEL _IOW('d', 109, int)}: nonzero makes the label sector writable. */
    public static final long DIOCWLABEL = 0x8004646DL;
    /** {@code DIOCCACHESYNC _IOW('d', 118, int)}. */
    public static final long DIOCCACHESYNC = 0x80046476L;
    /** {@code DIOCGWEDGEINFO _IOR('d', 122, struct dkwedge_info)}: 208 bytes. */
    public static final long DIOCGWEDGEINFO = 0x40D0647AL;
    /** {@code DIOCGDISKINFO _IOR('d', 127, struct plistref)}. */
    public static final long DIOCGDISKINFO = 0x4010647FL;
    /** {@code DIOCGMEDIASIZE _IOR('d', 132, off_t)}. */
    public static final long DIOCGMEDIASIZE = 0x40086484L;
    /** {@code DIOCGSECTORSIZE _IOR('d', 133, u_int)}. */
    public static final long DIOCGSECTORSIZE = 0x40046485L;

    /** {@code sizeof(struct dkwedge_info)} on LP64. */
    public static final int DKWEDGE_INFO_SIZE = 208;

    /** Writes {@code v} little-endian into {@code b[off, off+n)}. */
    public static void putLE(byte[] b, int off, int n, long v) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Reads {@code n} little-endian bytes from {@code b[off…]}. */
    public static long getLE(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
