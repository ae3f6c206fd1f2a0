package org.dmemu.lvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A metadata area of the text format: its {@code mda_header} and the latest metadata text
 * the first {@code raw_locn} points at (lib/format_text/format-text.c
 * {@code _raw_read_mda_header}, {@code _vg_read_raw_area}, {@code read_metadata_location};
 * layout.h).
 *
 * <p>The header is one 512-byte sector at the start of the area: {@code checksum_xl}
 * ({@link LvmCrc} of the other 508 bytes), {@code magic} (" LVM2 x[5A%r0N*>"),
 * {@code version} 1, {@code start} (the area's own offset on the device), {@code size}, then
 * {@code raw_locn}s (offset from the area start, size, checksum of the text, flags) ending
 * with a zero one. The text lives in a circular buffer that fills the area after the header:
 * when {@code offset + size} passes the end of the area the rest continues at
 * {@link #MDA_HEADER_SIZE}.
 *
 * <p>Differences from LVM2: none known for reading; precommitted metadata (a second
 * {@code raw_locn}) is ignored, as LVM2 does outside a commit.
 */
public final class MdaHeader {
    /** {@code MDA_HEADER_SIZE}. */
    public static final int MDA_HEADER_SIZE = 512;
    /** {@code FMTT_MAGIC}. */
    static final byte[] FMTT_MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.ISO_8859_1);
    /** {@code FMTT_VERSION}. */
    public static final int FMTT_VERSION = 1;
    /** {@code RAW_LOCN_IGNORED}. */
    public static final int RAW_LOCN_IGNORED = 1;

    /** One {@code raw_locn}. */
    public record RawLocn(long offset, long size, int checksum, int flags) {
    }

    private final long start;
    private final long size;
    private final RawLocn latest;

    private MdaHeader(long start, long size, RawLocn latest) {
        this.start = start;
        this.size = size;
        this.latest = latest;
    }

    /** The area's offset on the device. */
    public long start() {
        return start;
    }

    /** The area's size in bytes. */
    public long size() {
        return size;
    }

    /** The latest metadata's location, or null when the area holds none (an orphan PV). */
    public RawLocn latest() {
        return latest;
    }

    /**
     * Reads and checks the header at {@code offset} of {@code dev}.
     *
     * @param areaSize the size the PV header gives for this area
     */
    public static MdaHeader read(PvDevice dev, long offset, long areaSize) throws LvmFormatException {
        String where = dev.name() + ": metadata area header at byte " + offset + ": ";
        byte[] h = new byte[MDA_HEADER_SIZE];
        if (offset + MDA_HEADER_SIZE > dev.size() || !dev.read(offset, h, 0, h.length)) {
            throw new LvmFormatException(where + "cannot be read");
        }
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        int stored = b.getInt(0);
        int crc = LvmCrc.calc(LvmCrc.INITIAL_CRC, h, 4, MDA_HEADER_SIZE - 4);
        if (stored != crc) {
            throw new LvmFormatException(where + String.format("checksum 0x%08x, computed 0x%08x", stored, crc));
        }
        for (int i = 0; i < FMTT_MAGIC.length; i++) {
            if (h[4 + i] != FMTT_MAGIC[i]) {
                throw new LvmFormatException(where + "wrong magic number");
            }
        }
        int version = b.getInt(20);
        if (version != FMTT_VERSION) {
            throw new LvmFormatException(where + "version " + version + ", expected " + FMTT_VERSION);
        }
        long start = b.getLong(24);
        long size = b.getLong(32);
        if (start != offset) {
            throw new LvmFormatException(where + "start says " + start);
        }
        if (size != areaSize || size <= MDA_HEADER_SIZE || start + size > dev.size()) {
            throw new LvmFormatException(where + "size " + size + " does not fit the area of " + areaSize
                    + " bytes on a device of " + dev.size());
        }
        long off = b.getLong(40);
        long len = b.getLong(48);
        int sum = b.getInt(56);
        int flags = b.getInt(60);
        RawLocn latest = null;
        if (off != 0 && (flags & RAW_LOCN_IGNORED) == 0) {
            if (off < MDA_HEADER_SIZE || off >= size || len <= 0 || len > size - MDA_HEADER_SIZE) {
                throw new LvmFormatException(where + "metadata location offset " + off + " size " + len
                        + " outside the area of " + size + " bytes");
            }
            latest = new RawLocn(off, len, sum, flags);
        }
        return new MdaHeader(start, size, latest);
    }

    /**
     * The latest metadata text (without its trailing NULs), read around the end of the
     * circular buffer if needed, its checksum checked.
     */
    public String readText(PvDevice dev) throws LvmFormatException {
        String where = dev.name() + ": metadata at byte " + (start + latest.offset()) + ": ";
        int len = (int) latest.size();
        byte[] t = new byte[len];
        long first = Math.min(len, size - latest.offset());
        long wrap = len - first;
        if (wrap > latest.offset() - MDA_HEADER_SIZE) {
            throw new LvmFormatException(where + "wraps over itself (" + wrap + " bytes past the end of the area)");
        }
        if (!dev.read(start + latest.offset(), t, 0, (int) first)
                || (wrap > 0 && !dev.read(start + MDA_HEADER_SIZE, t, (int) first, (int) wrap))) {
            throw new LvmFormatException(where + "cannot be read");
        }
        int crc = LvmCrc.calc(LvmCrc.INITIAL_CRC, t, 0, (int) first);
        crc = LvmCrc.calc(crc, t, (int) first, (int) wrap);
        if (crc != latest.checksum()) {
            throw new LvmFormatException(where + String.format("checksum 0x%08x, computed 0x%08x",
                    latest.checksum(), crc));
        }
        int end = len;
        while (end > 0 && t[end - 1] == 0) {
            end--;
        }
        return new String(t, 0, end, StandardCharsets.UTF_8);
    }

    /** Whether the latest metadata continues at the start of the buffer. */
    public boolean wraps() {
        return latest != null && latest.offset() + latest.size() > size;
    }
}
