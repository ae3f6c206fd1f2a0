package org.dmemu.disklabel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The PC master boot record of sector 0 ({@code struct mbr_sector}, sys/sys/bootblock.h):
 * four 16-byte partition entries at byte 446 and the 0xAA55 signature at byte 510.
 *
 * <p>Only type, start and size matter to NetBSD; the CHS fields are decoded only to be kept
 * and are filled with the usual 255-head/63-sector translation when an MBR is created.
 *
 * <p>Differences from NetBSD: none for parsing. {@link #create} writes no boot code (the
 * first 446 bytes are zero), like {@code fdisk -i} on a blank disk without {@code -B}.
 */
public final class Mbr {
    /** {@code MBR_PART_OFFSET}. */
    public static final int PART_OFFSET = 446;
    /** {@code MBR_MAGIC_OFFSET}. */
    public static final int MAGIC_OFFSET = 510;
    /** {@code MBR_MAGIC}. */
    public static final int MAGIC = 0xAA55;
    /** {@code MBR_PART_COUNT}. */
    public static final int PART_COUNT = 4;

    /** {@code MBR_PTYPE_UNUSED}. */
    public static final int PTYPE_UNUSED = 0x00;
    /** {@code MBR_PTYPE_EXT}, {@code MBR_PTYPE_EXT_LBA}, {@code MBR_PTYPE_EXT_LNX}. */
    public static final int PTYPE_EXT = 0x05;
    public static final int PTYPE_EXT_LBA = 0x0F;
    public static final int PTYPE_EXT_LNX = 0x85;
    /** {@code MBR_PTYPE_386BSD}. */
    public static final int PTYPE_386BSD = 0xA5;
    /** {@code MBR_PTYPE_NETBSD}. */
    public static final int PTYPE_NETBSD = 0xA9;
    /** {@code MBR_PTYPE_PMBR}: GPT protective. */
    public static final int PTYPE_PMBR = 0xEE;
    /** {@code MBR_PTYPE_DM6_DDO}: Ontrack disk manager. */
    public static final int PTYPE_DM6_DDO = 0x54;

    /**
     * One {@code struct mbr_partition}.
     *
     * @param flag   {@code mbrp_flag} (0x80 = active)
     * @param type   {@code mbrp_type}
     * @param start  {@code mbrp_start}: first LBA, relative to the table's base (u32)
     * @param size   {@code mbrp_size}: sectors (u32)
     */
    public record Partition(int flag, int type, long start, long size) {
        /** An unused slot. */
        public static final Partition UNUSED = new Partition(0, 0, 0, 0);

        /** {@code MBR_IS_EXTENDED(type)}. */
        public boolean isExtended() {
            return type == PTYPE_EXT || type == PTYPE_EXT_LBA || type == PTYPE_EXT_LNX;
        }
    }

    private final boolean signature;
    private final List<Partition> partitions;

    private Mbr(boolean signature, List<Partition> partitions) {
        this.signature = signature;
        this.partitions = partitions;
    }

    /** Parses the 512-byte sector at {@code off}. */
    public static Mbr parse(byte[] sector, int off) {
        boolean sig = DisklabelCodec.u16(sector, off + MAGIC_OFFSET) == MAGIC;
        List<Partition> ps = new ArrayList<>(PART_COUNT);
        for (int i = 0; i < PART_COUNT; i++) {
            int e = off + PART_OFFSET + 16 * i;
            ps.add(new Partition(sector[e] & 0xFF, sector[e + 4] & 0xFF,
                    DisklabelCodec.u32(sector, e + 8), DisklabelCodec.u32(sector, e + 12)));
        }
        return new Mbr(sig, Collections.unmodifiableList(ps));
    }

    /** True if bytes 510–511 hold 0x55 0xAA. Without it the sector is "no MBR". */
    public boolean hasSignature() {
        return signature;
    }

    /** The four entries, slot 0 first. */
    public List<Partition> partitions() {
        return partitions;
    }

    /** A GPT protective MBR: slot 0 is 0xEE and slots 1–3 are unused. */
    public boolean isProtective() {
        return partitions.get(0).type() == PTYPE_PMBR
                && partitions.get(1).type() == PTYPE_UNUSED
                && partitions.get(2).type() == PTYPE_UNUSED
                && partitions.get(3).type() == PTYPE_UNUSED;
    }

    /**
     * Writes an MBR holding {@code parts} (at most 4, slot 0 first) into the 512-byte sector at
     * {@code off}: zero boot code, CHS from a 255×63 translation, the 0xAA55 signature.
     * The caller must zero or preserve bytes 0–445 itself; they are left as they are.
     */
    public static void write(List<Partition> parts, byte[] sector, int off) {
        if (parts.size() > PART_COUNT) {
            throw new IllegalArgumentException("at most 4 MBR partitions");
        }
        for (int i = 0; i < PART_COUNT; i++) {
            Partition p = i < parts.size() ? parts.get(i) : Partition.UNUSED;
            int e = off + PART_OFFSET + 16 * i;
            sector[e] = (byte) p.flag();
            if (p.type() == PTYPE_UNUSED && p.size() == 0) {
                for (int k = 1; k < 16; k++) {
                    sector[e + k] = 0;
                }
                continue;
            }
            putChs(sector, e + 1, p.start());
            sector[e + 4] = (byte) p.type();
            putChs(sector, e + 5, p.start() + p.size() - 1);
            DisklabelCodec.put32(sector, e + 8, p.start());
            DisklabelCodec.put32(sector, e + 12, p.size());
        }
        DisklabelCodec.put16(sector, off + MAGIC_OFFSET, MAGIC);
    }

    /** Creates a new 512-byte sector 0 holding only {@code parts}. */
    public static byte[] create(List<Partition> parts) {
        byte[] s = new byte[512];
        write(parts, s, 0);
        return s;
    }

    private static void putChs(byte[] b, int off, long lba) {
        final int heads = 255;
        final int sectors = 63;
        long cyl = lba / (heads * sectors);
        if (cyl > 1023) {
            b[off] = (byte) 0xFE;
            b[off + 1] = (byte) 0xFF;
            b[off + 2] = (byte) 0xFF;
            return;
        }
        int head = (int) (lba / sectors % heads);
        int sec = (int) (lba % sectors) + 1;
        b[off] = (byte) head;
        b[off + 1] = (byte) (sec | (int) (cyl >>> 8 & 3) << 6);
        b[off + 2] = (byte) cyl;
    }
}
