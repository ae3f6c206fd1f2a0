package org.dmemu.disklabel;

/**
 * Encodes and decodes {@code struct disklabel} in the little-endian i386/amd64 layout, and
 * computes {@code dkcksum()} (sys/kern/subr_disk.c).
 *
 * <p>Layout: a 148-byte header followed by 16-byte partition entries; the checksum covers the
 * header plus exactly {@code d_npartitions} entries, XORed as little-endian 16-bit words.
 * {@link #SIZEOF} is {@code sizeof(struct disklabel)} on amd64 (LP64): 148 + 16·16 = 404
 * bytes plus 4 bytes of tail padding.
 *
 * <p>Differences from NetBSD: byte-swapped (big-endian) labels are recognised only to be
 * reported ({@link Check#BYTESWAPPED}); like a GENERIC amd64 kernel without
 * {@code options DISKLABEL_EI}, they are not converted.
 */
public final class DisklabelCodec {
    /** Bytes of the fixed header before {@code d_partitions}. */
    public static final int HEADER_SIZE = 148;
    /** Bytes of one {@code struct partition}. */
    public static final int PARTITION_SIZE = 16;
    /** {@code sizeof(struct disklabel)} on amd64 (LP64), with its 4 bytes of tail padding. */
    public static final int SIZEOF = 408;
    /** {@code sizeof(struct disklabel)} on i386 (no tail padding). */
    public static final int SIZEOF_ILP32 = 404;

    /** The outcome of testing one candidate position, in the order the checks apply. */
    public enum Check {
        /** Both magics are {@code DISKMAGIC}, d_npartitions ≤ 16 and the checksum verifies. */
        OK("valid"),
        /** {@code d_magic} is not DISKMAGIC (nothing there). */
        NO_MAGIC("no DISKMAGIC"),
        /** {@code d_magic} is DISKMAGIC but {@code d_magic2} is not. */
        BAD_MAGIC2("d_magic2 is not DISKMAGIC"),
        /** Both magics are the inverted DISKMAGIC of {@code disklabel -D}. */
        DELETED("deleted label (inverted magics)"),
        /** Both magics are DISKMAGIC byte-swapped (a big-endian label). */
        BYTESWAPPED("byte-swapped (big-endian) label"),
        /** {@code d_npartitions > MAXPARTITIONS}. */
        TOO_MANY_PARTITIONS("d_npartitions exceeds MAXPARTITIONS (16)"),
        /** The XOR of the checksum region is not 0. */
        BAD_CHECKSUM("bad checksum");

        private final String text;

        Check(String text) {
            this.text = text;
        }

        /** A short human-readable description. */
        public String text() {
            return text;
        }
    }

    private DisklabelCodec() {
    }

    static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16
                | (b[off + 3] & 0xFFL) << 24;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    /** {@code d_magic} of the candidate at {@code off}. */
    public static long magic(byte[] b, int off) {
        return u32(b, off);
    }

    /** {@code d_npartitions} of the candidate at {@code off}. */
    public static int npartitions(byte[] b, int off) {
        return u16(b, off + 138);
    }

    /** {@code d_checksum} of the candidate at {@code off}. */
    public static int storedChecksum(byte[] b, int off) {
        return u16(b, off + 136);
    }

    /**
     * {@code dkcksum_sized()}: XOR of the little-endian 16-bit words of the header plus
     * {@code npartitions} entries, the stored {@code d_checksum} included. A label verifies
     * iff this is 0. {@code npartitions} must be ≤ what the buffer holds.
     */
    public static int dkcksum(byte[] b, int off, int npartitions) {
        int end = off + HEADER_SIZE + PARTITION_SIZE * npartitions;
        int sum = 0;
        for (int i = off; i < end; i += 2) {
            sum ^= (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * {@code dkcksum(lp)} of a label: the XOR over its encoded checksum region, with the stored
     * {@code d_checksum} included (0 iff the label verifies). Requires npartitions ≤ 16.
     */
    public static int dkcksum(Disklabel lp) {
        if (lp.npartitions > Disklabel.MAXPARTITIONS) {
            throw new IllegalArgumentException("d_npartitions " + lp.npartitions + " > 16");
        }
        byte[] b = encode(lp);
        return dkcksum(b, 0, lp.npartitions);
    }

    /**
     * The value {@code d_checksum} must hold for {@code lp} to verify: the XOR of the region
     * computed with {@code d_checksum} taken as 0 (what the kernel stores after
     * {@code lp->d_checksum = 0; lp->d_checksum = dkcksum(lp)}).
     */
    public static int computeChecksum(Disklabel lp) {
        return dkcksum(lp) ^ lp.checksum;
    }

    /** Sets both magics to DISKMAGIC and stores the correct checksum, as disklabel(8) does. */
    public static void seal(Disklabel lp) {
        lp.magic = Disklabel.DISKMAGIC;
        lp.magic2 = Disklabel.DISKMAGIC;
        lp.checksum = 0;
        lp.checksum = computeChecksum(lp);
    }

    /**
     * Tests the candidate at {@code off} with the kernel's rules ({@code validate_label()} in
     * subr_disk_mbr.c), in their order: magics, then d_npartitions, then the checksum.
     * The buffer must hold {@link #SIZEOF} bytes from {@code off}.
     */
    public static Check check(byte[] b, int off) {
        long m1 = u32(b, off);
        long m2 = u32(b, off + 132);
        if (m1 != Disklabel.DISKMAGIC) {
            if (m1 == m2 && m1 == Disklabel.DISKMAGIC_DELETED) {
                return Check.DELETED;
            }
            if (m1 == m2 && m1 == Long.reverseBytes(Disklabel.DISKMAGIC) >>> 32) {
                return Check.BYTESWAPPED;
            }
            return Check.NO_MAGIC;
        }
        if (m2 != Disklabel.DISKMAGIC) {
            return Check.BAD_MAGIC2;
        }
        int np = npartitions(b, off);
        if (np > Disklabel.MAXPARTITIONS) {
            return Check.TOO_MANY_PARTITIONS;
        }
        if (dkcksum(b, off, np) != 0) {
            return Check.BAD_CHECKSUM;
        }
        return Check.OK;
    }

    /**
     * Decodes the {@link #SIZEOF}-byte structure at {@code off} with no validation (all 16
     * entries are read, as the kernel copies the whole structure). Bytes past the end of
     * {@code b} read as 0.
     */
    public static Disklabel decode(byte[] b, int off) {
        byte[] s = b;
        int o = off;
        if (off + SIZEOF > b.length) {
            s = new byte[SIZEOF];
            System.arraycopy(b, off, s, 0, Math.max(0, b.length - off));
            o = 0;
        }
        Disklabel lp = new Disklabel();
        lp.magic = u32(s, o);
        lp.type = u16(s, o + 4);
        lp.subtype = u16(s, o + 6);
        System.arraycopy(s, o + 8, lp.typename, 0, 16);
        System.arraycopy(s, o + 24, lp.packname, 0, 16);
        lp.secsize = u32(s, o + 40);
        lp.nsectors = u32(s, o + 44);
        lp.ntracks = u32(s, o + 48);
        lp.ncylinders = u32(s, o + 52);
        lp.secpercyl = u32(s, o + 56);
        lp.secperunit = u32(s, o + 60);
        lp.sparespertrack = u16(s, o + 64);
        lp.sparespercyl = u16(s, o + 66);
        lp.acylinders = u32(s, o + 68);
        lp.rpm = u16(s, o + 72);
        lp.interleave = u16(s, o + 74);
        lp.trackskew = u16(s, o + 76);
        lp.cylskew = u16(s, o + 78);
        lp.headswitch = u32(s, o + 80);
        lp.trkseek = u32(s, o + 84);
        lp.flags = u32(s, o + 88);
        for (int i = 0; i < Disklabel.NDDATA; i++) {
            lp.drivedata[i] = u32(s, o + 92 + 4 * i);
        }
        for (int i = 0; i < Disklabel.NSPARE; i++) {
            lp.spare[i] = u32(s, o + 112 + 4 * i);
        }
        lp.magic2 = u32(s, o + 132);
        lp.checksum = u16(s, o + 136);
        lp.npartitions = u16(s, o + 138);
        lp.bbsize = u32(s, o + 140);
        lp.sbsize = u32(s, o + 144);
        for (int i = 0; i < Disklabel.MAXPARTITIONS; i++) {
            int p = o + HEADER_SIZE + PARTITION_SIZE * i;
            lp.partitions[i] = new DisklabelPartition(u32(s, p), u32(s, p + 4), u32(s, p + 8),
                    s[p + 12] & 0xFF, s[p + 13] & 0xFF, u16(s, p + 14));
        }
        return lp;
    }

    /** Encodes {@code lp} into a new {@link #SIZEOF}-byte array (tail padding zero). */
    public static byte[] encode(Disklabel lp) {
        byte[] b = new byte[SIZEOF];
        encode(lp, b, 0);
        return b;
    }

    /** Writes the {@link #SIZEOF} bytes of {@code lp} at {@code off} (tail padding zero). */
    public static void encode(Disklabel lp, byte[] b, int off) {
        put32(b, off, lp.magic);
        put16(b, off + 4, lp.type);
        put16(b, off + 6, lp.subtype);
        System.arraycopy(lp.typename, 0, b, off + 8, 16);
        System.arraycopy(lp.packname, 0, b, off + 24, 16);
        put32(b, off + 40, lp.secsize);
        put32(b, off + 44, lp.nsectors);
        put32(b, off + 48, lp.ntracks);
        put32(b, off + 52, lp.ncylinders);
        put32(b, off + 56, lp.secpercyl);
        put32(b, off + 60, lp.secperunit);
        put16(b, off + 64, lp.sparespertrack);
        put16(b, off + 66, lp.sparespercyl);
        put32(b, off + 68, lp.acylinders);
        put16(b, off + 72, lp.rpm);
        put16(b, off + 74, lp.interleave);
        put16(b, off + 76, lp.trackskew);
        put16(b, off + 78, lp.cylskew);
        put32(b, off + 80, lp.headswitch);
        put32(b, off + 84, lp.trkseek);
        put32(b, off + 88, lp.flags);
        for (int i = 0; i < Disklabel.NDDATA; i++) {
            put32(b, off + 92 + 4 * i, lp.drivedata[i]);
        }
        for (int i = 0; i < Disklabel.NSPARE; i++) {
            put32(b, off + 112 + 4 * i, lp.spare[i]);
        }
        put32(b, off + 132, lp.magic2);
        put16(b, off + 136, lp.checksum);
        put16(b, off + 138, lp.npartitions);
        put32(b, off + 140, lp.bbsize);
        put32(b, off + 144, lp.sbsize);
        for (int i = 0; i < Disklabel.MAXPARTITIONS; i++) {
            int p = off + HEADER_SIZE + PARTITION_SIZE * i;
            DisklabelPartition pp = lp.partitions[i];
            put32(b, p, pp.size());
            put32(b, p + 4, pp.offset());
            put32(b, p + 8, pp.fsize());
            b[p + 12] = (byte) pp.fstype();
            b[p + 13] = (byte) pp.frag();
            put16(b, p + 14, pp.cpg());
        }
        for (int i = off + SIZEOF_ILP32; i < off + SIZEOF; i++) {
            b[i] = 0;
        }
    }
}
