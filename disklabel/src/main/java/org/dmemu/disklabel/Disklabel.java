package org.dmemu.disklabel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The in-memory form of {@code struct disklabel} (sys/sys/disklabel.h rev 1.127), as the
 * i386/amd64 kernel holds it.
 *
 * <p>Like the C structure it is a plain mutable record of fields: the kernel and disklabel(8)
 * fill it field by field. Every field keeps the unsigned C value ({@code uint32_t} fields in a
 * long, {@code uint16_t} in an int). {@link #partitions} always has {@link #MAXPARTITIONS}
 * entries; only the first {@link #npartitions} belong to the label (checksummed, printed), the
 * rest is carried along as the kernel carries the tail of the C array.
 *
 * <p>Differences from NetBSD: {@code d_typename}/{@code d_packname} are byte arrays of
 * exactly 16 bytes (NUL padded, not necessarily NUL terminated), as on disk. The userland
 * {@code d_un} boot-name pointers do not exist.
 */
public final class Disklabel {
    /** {@code DISKMAGIC}. */
    public static final long DISKMAGIC = 0x82564557L;
    /** {@code DISKMAGIC_DELETED}: both magics inverted by {@code disklabel -D}. */
    public static final long DISKMAGIC_DELETED = ~DISKMAGIC & 0xFFFF_FFFFL;
    /** {@code MAXPARTITIONS} on i386/amd64. */
    public static final int MAXPARTITIONS = 16;
    /** {@code RAW_PART} on i386/amd64 ({@code d}). */
    public static final int RAW_PART = 3;
    /** {@code LABELSECTOR} on i386/amd64. */
    public static final int LABELSECTOR = 1;
    /** {@code LABELOFFSET} on i386/amd64. */
    public static final int LABELOFFSET = 0;
    /** {@code NDDATA}, {@code NSPARE}. */
    public static final int NDDATA = 5;
    public static final int NSPARE = 5;
    /** {@code BBSIZE} and {@code SBLOCKSIZE}. */
    public static final int BBSIZE = 8192;
    public static final int SBLOCKSIZE = 8192;

    public long magic;
    public int type;
    public int subtype;
    public final byte[] typename = new byte[16];
    public final byte[] packname = new byte[16];
    public long secsize;
    public long nsectors;
    public long ntracks;
    public long ncylinders;
    public long secpercyl;
    public long secperunit;
    public int sparespertrack;
    public int sparespercyl;
    public long acylinders;
    public int rpm;
    public int interleave;
    public int trackskew;
    public int cylskew;
    public long headswitch;
    public long trkseek;
    public long flags;
    public final long[] drivedata = new long[NDDATA];
    public final long[] spare = new long[NSPARE];
    public long magic2;
    public int checksum;
    public int npartitions;
    public long bbsize;
    public long sbsize;
    public final DisklabelPartition[] partitions = new DisklabelPartition[MAXPARTITIONS];

    public Disklabel() {
        Arrays.fill(partitions, DisklabelPartition.EMPTY);
    }

    /** A deep copy (the C structure assignment {@code *a = *b}). */
    public Disklabel copy() {
        Disklabel c = new Disklabel();
        c.copyFrom(this);
        return c;
    }

    /** Overwrites every field of this label with those of {@code o}. */
    public void copyFrom(Disklabel o) {
        magic = o.magic;
        type = o.type;
        subtype = o.subtype;
        System.arraycopy(o.typename, 0, typename, 0, 16);
        System.arraycopy(o.packname, 0, packname, 0, 16);
        secsize = o.secsize;
        nsectors = o.nsectors;
        ntracks = o.ntracks;
        ncylinders = o.ncylinders;
        secpercyl = o.secpercyl;
        secperunit = o.secperunit;
        sparespertrack = o.sparespertrack;
        sparespercyl = o.sparespercyl;
        acylinders = o.acylinders;
        rpm = o.rpm;
        interleave = o.interleave;
        trackskew = o.trackskew;
        cylskew = o.cylskew;
        headswitch = o.headswitch;
        trkseek = o.trkseek;
        flags = o.flags;
        System.arraycopy(o.drivedata, 0, drivedata, 0, NDDATA);
        System.arraycopy(o.spare, 0, spare, 0, NSPARE);
        magic2 = o.magic2;
        checksum = o.checksum;
        npartitions = o.npartitions;
        bbsize = o.bbsize;
        sbsize = o.sbsize;
        System.arraycopy(o.partitions, 0, partitions, 0, MAXPARTITIONS);
    }

    /** {@code d_typename} up to its first NUL (at most 16 bytes), as {@code %.*s} prints it. */
    public String typenameString() {
        return cString(typename);
    }

    /** {@code d_packname} up to its first NUL (at most 16 bytes). */
    public String packnameString() {
        return cString(packname);
    }

    /** {@code strncpy(d_typename, s, 16)}. */
    public void setTypename(String s) {
        strncpy(typename, s);
    }

    /** {@code strncpy(d_packname, s, 16)}. */
    public void setPackname(String s) {
        strncpy(packname, s);
    }

    /** The partition at {@code index} (0 = {@code a}). */
    public DisklabelPartition partition(int index) {
        return partitions[index];
    }

    /** Replaces the partition at {@code index}. */
    public void setPartition(int index, DisklabelPartition p) {
        partitions[index] = p;
    }

    /** The letter of partition {@code index}: 0 → {@code a}. */
    public static char letter(int index) {
        return (char) ('a' + index);
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    static void strncpy(byte[] dst, String s) {
        byte[] src = s.getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(dst, (byte) 0);
        System.arraycopy(src, 0, dst, 0, Math.min(src.length, dst.length));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Disklabel l)) {
            return false;
        }
        return magic == l.magic && type == l.type && subtype == l.subtype
                && Arrays.equals(typename, l.typename) && Arrays.equals(packname, l.packname)
                && secsize == l.secsize && nsectors == l.nsectors && ntracks == l.ntracks
                && ncylinders == l.ncylinders && secpercyl == l.secpercyl
                && secperunit == l.secperunit && sparespertrack == l.sparespertrack
                && sparespercyl == l.sparespercyl && acylinders == l.acylinders && rpm == l.rpm
                && interleave == l.interleave && trackskew == l.trackskew && cylskew == l.cylskew
                && headswitch == l.headswitch && trkseek == l.trkseek && flags == l.flags
                && Arrays.equals(drivedata, l.drivedata) && Arrays.equals(spare, l.spare)
                && magic2 == l.magic2 && checksum == l.checksum && npartitions == l.npartitions
                && bbsize == l.bbsize && sbsize == l.sbsize
                && Arrays.equals(partitions, l.partitions);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(secperunit) * 31 + Arrays.hashCode(partitions);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Disklabel[type=").append(type)
                .append(" secperunit=").append(secperunit).append(" npartitions=")
                .append(npartitions);
        for (int i = 0; i < Math.min(npartitions, MAXPARTITIONS); i++) {
            DisklabelPartition p = partitions[i];
            if (!p.isEmpty()) {
                sb.append(' ').append(letter(i)).append('=').append(p.offset()).append('+')
                        .append(p.size()).append('/').append(p.fstype());
            }
        }
        return sb.append(']').toString();
    }
}
