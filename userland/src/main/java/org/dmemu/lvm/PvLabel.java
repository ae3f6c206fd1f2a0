package org.dmemu.lvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The LVM2 label of a physical volume and its PV header, as lib/label/label.c
 * ({@code label_read}, {@code _find_lvm_header}) and lib/format_text/text_label.c
 * ({@code _text_read}) read them.
 *
 * <p>On disk (little-endian): a {@code label_header} of 32 bytes in one of the first
 * {@link #LABEL_SCAN_SECTORS} 512-byte sectors: {@code id} "LABELONE", {@code sector_xl} (the
 * sector it is in), {@code crc_xl} ({@link LvmCrc} from {@code offset_xl} to the end of the
 * sector), {@code offset_xl} (where the PV header starts, from the label's start) and
 * {@code type} "LVM2 001". The {@code pv_header} holds the PV uuid (32 characters), the device
 * size in bytes and two zero-terminated lists of {@code disk_locn} (offset, size in bytes): the
 * data areas, then the metadata areas.
 *
 * <p>Differences from LVM2: a label whose checksum or sector number is wrong is an error
 * naming the device (LVM2 ignores such a sector and looks at the next); a device that has no
 * "LABELONE" at all is simply not a PV, as in LVM2.
 *
 * @param sector        the sector the label is in (0 to 3)
 * @param pvUuid        the PV uuid as 32 characters, without dashes
 * @param deviceSize    {@code device_size_xl} in bytes
 * @param dataAreas     the data areas (LVM2 writes one: offset {@code pe_start}, size 0)
 * @param metadataAreas the metadata areas (offset of the mda header, size of the area)
 */
public record PvLabel(long sector, String pvUuid, long deviceSize, List<DiskLocn> dataAreas,
                      List<DiskLocn> metadataAreas) {
    /** {@code LABEL_SCAN_SECTORS}. */
    public static final int LABEL_SCAN_SECTORS = 4;
    /** {@code LABEL_SIZE}: one 512-byte sector. */
    public static final int LABEL_SIZE = 512;
    static final byte[] LABEL_ID = "LABELONE".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LVM2_LABEL = "LVM2 001".getBytes(StandardCharsets.US_ASCII);
    /** {@code ID_LEN}. */
    public static final int ID_LEN = 32;

    /** {@code struct disk_locn}: an area of the device, in bytes. */
    public record DiskLocn(long offset, long size) {
    }

    /**
     * Looks for the label in the first four sectors of {@code dev}.
     *
     * @return the label, or null if no sector starts with "LABELONE"
     * @throws LvmFormatException when a label is there but is damaged (message names the device)
     */
    public static PvLabel read(PvDevice dev) throws LvmFormatException {
        byte[] head = new byte[LABEL_SCAN_SECTORS * LABEL_SIZE];
        if (dev.size() < head.length) {
            return null;
        }
        if (!dev.read(0, head, 0, head.length)) {
            throw new LvmFormatException(dev.name() + ": read error in the label sectors 0-3");
        }
        for (int s = 0; s < LABEL_SCAN_SECTORS; s++) {
            int base = s * LABEL_SIZE;
            if (!startsWith(head, base, LABEL_ID)) {
                continue;
            }
            return parse(dev.name(), head, base, s);
        }
        return null;
    }

    private static PvLabel parse(String name, byte[] head, int base, int s) throws LvmFormatException {
        ByteBuffer b = ByteBuffer.wrap(head, base, LABEL_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long sectorXl = b.getLong(base + 8);
        int crcXl = b.getInt(base + 16);
        long offsetXl = b.getInt(base + 20) & 0xffffffffL;
        String where = name + ": label in sector " + s + ": ";
        if (sectorXl != s) {
            throw new LvmFormatException(where + "sector_xl says " + sectorXl);
        }
        int crc = LvmCrc.calc(LvmCrc.INITIAL_CRC, head, base + 20, LABEL_SIZE - 20);
        if (crc != crcXl) {
            throw new LvmFormatException(where + String.format("checksum 0x%08x, computed 0x%08x", crcXl, crc));
        }
        if (!startsWith(head, base + 24, LVM2_LABEL)) {
            throw new LvmFormatException(where + "type is not \"LVM2 001\"");
        }
        if (offsetXl < 32 || offsetXl + ID_LEN + 8 + 32 > LABEL_SIZE) {
            throw new LvmFormatException(where + "PV header offset " + offsetXl + " outside the sector");
        }
        int p = base + (int) offsetXl;
        String uuid = new String(head, p, ID_LEN, StandardCharsets.US_ASCII);
        if (!uuid.chars().allMatch(PvLabel::isUuidChar)) {
            throw new LvmFormatException(where + "PV uuid has characters outside [0-9A-Za-z!#]");
        }
        p += ID_LEN;
        long devSize = b.getLong(p);
        p += 8;
        List<DiskLocn> data = new ArrayList<>();
        List<DiskLocn> mdas = new ArrayList<>();
        for (List<DiskLocn> list : List.of(data, mdas)) {
            while (true) {
                if (p + 16 > base + LABEL_SIZE) {
                    throw new LvmFormatException(where + "area list runs past the end of the sector");
                }
                long off = b.getLong(p);
                long size = b.getLong(p + 8);
                p += 16;
                if (off == 0) {
                    break;
                }
                list.add(new DiskLocn(off, size));
            }
        }
        if (data.size() != 1) {
            throw new LvmFormatException(where + data.size() + " data areas (LVM2 writes exactly one)");
        }
        return new PvLabel(s, uuid, devSize, List.copyOf(data), List.copyOf(mdas));
    }

    /** LVM2's {@code _c} alphabet of uuids (lib/uuid/uuid.c), which also allows '!' and '#'. */
    static boolean isUuidChar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '!' || c == '#';
    }

    private static boolean startsWith(byte[] b, int off, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code id_write_format}: 6-4-4-4-4-4-6 characters joined by dashes. */
    public static String formatUuid(String id) {
        if (id.length() != ID_LEN) {
            return id;
        }
        StringBuilder s = new StringBuilder(38);
        int[] groups = {6, 4, 4, 4, 4, 4, 6};
        int p = 0;
        for (int i = 0; i < groups.length; i++) {
            if (i > 0) {
                s.append('-');
            }
            s.append(id, p, p + groups[i]);
            p += groups[i];
        }
        return s.toString();
    }

    /** The PV's first data area offset ({@code pe_start} in bytes as the label records it). */
    public long dataStart() {
        return dataAreas.get(0).offset();
    }
}
