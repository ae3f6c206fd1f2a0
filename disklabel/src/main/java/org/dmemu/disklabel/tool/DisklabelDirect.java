package org.dmemu.disklabel.tool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.ImageFile;
import org.dmemu.disklabel.Mbr;

/**
 * Reads and writes the label of an image file the way disklabel(8) does on a regular file
 * (no ioctls): emulates {@code find_label()}, {@code readlabel_direct()},
 * {@code process_mbr()}, {@code readlabel_mbr()}, {@code writelabel_mbr()},
 * {@code update_label()} and {@code writelabel_direct()} of sbin/disklabel/main.c for an
 * i386/amd64 target ({@code LABEL_OFFSET} = 512, MBR-using).
 *
 * <p>Search: for each NetBSD (0xA9) MBR entry, primary then logical, the 8 KiB from its start;
 * then the 8 KiB from LBA 0. In each area the expected offset 512 is tried first, then every
 * 4-byte offset. A candidate needs {@code d_magic == d_magic2 == DISKMAGIC},
 * {@code d_npartitions ≤ 16} and a verifying checksum.
 *
 * <p>Differences from NetBSD: no filecore (acorn) probe; every rejected candidate is
 * remembered so that the caller can say which check failed (NetBSD only says "could not read
 * existing label", or warns with {@code -v}).
 */
public final class DisklabelDirect {
    /** The boot area searched from each base. */
    public static final int BOOTAREA = 8192;
    /** {@code LABEL_OFFSET} = LABELSECTOR·512 + LABELOFFSET on x86. */
    public static final int LABEL_OFFSET = 512;
    /** {@code LABELOFFSET_MBR}: where a new label goes inside a NetBSD MBR partition. */
    public static final int LABELOFFSET_MBR = 512;

    /** A label found at byte {@code offset} of the area starting at {@code sector}. */
    public record Found(Disklabel label, long sector, int offset) {
    }

    /** The NetBSD MBR entries' bases (absolute LBAs), in disklabel(8)'s order. */
    public static List<Long> netbsdBases(ImageFile f) throws IOException {
        List<Long> bases = new ArrayList<>();
        byte[] sec = new byte[512];
        long extBase = 0;
        long thisExt = 0;
        for (;;) {
            if (f.pread(sec, 0, 512, thisExt * 512) != 512) {
                break;
            }
            Mbr mbr = Mbr.parse(sec, 0);
            if (!mbr.hasSignature()) {
                break;
            }
            long nextExt = 0;
            for (Mbr.Partition dp : mbr.partitions()) {
                if (dp.type() == Mbr.PTYPE_NETBSD) {
                    bases.add(thisExt + dp.start());
                } else if (dp.isExtended()) {
                    nextExt = dp.start();
                }
            }
            if (nextExt == 0) {
                break;
            }
            nextExt += extBase;
            if (extBase == 0) {
                extBase = nextExt;
            }
            if (nextExt <= thisExt) {
                break;
            }
            thisExt = nextExt;
        }
        return bases;
    }

    /**
     * {@code find_label(f, sector)}: the first valid label in the 8 KiB from {@code sector}.
     *
     * @param rejects gets one line per candidate that had DISKMAGIC but failed a check
     */
    public static Found findLabel(ImageFile f, long sector, byte[] bootarea, List<String> rejects)
            throws IOException {
        int len = f.pread(bootarea, 0, BOOTAREA, sector * 512);
        if (len <= 0) {
            return null;
        }
        for (int i = -4;; i += 4) {
            int offset = i < 0 ? LABEL_OFFSET : i;
            if (i == LABEL_OFFSET) {
                continue;
            }
            if (offset + DisklabelCodec.SIZEOF > len) {
                break;
            }
            DisklabelCodec.Check c = DisklabelCodec.check(bootarea, offset);
            switch (c) {
                case OK -> {
                    return new Found(DisklabelCodec.decode(bootarea, offset), sector, offset);
                }
                case NO_MAGIC -> {
                }
                case BAD_MAGIC2 -> rejects.add(where(sector, offset) + String.format(
                        "d_magic2 is 0x%08x, not DISKMAGIC 0x82564557",
                        DisklabelCodec.magic(bootarea, offset + 132)));
                case TOO_MANY_PARTITIONS -> rejects.add(where(sector, offset) + "d_npartitions "
                        + DisklabelCodec.npartitions(bootarea, offset)
                        + " exceeds MAXPARTITIONS (16)");
                case BAD_CHECKSUM -> {
                    int np = DisklabelCodec.npartitions(bootarea, offset);
                    int stored = DisklabelCodec.storedChecksum(bootarea, offset);
                    int good = DisklabelCodec.dkcksum(bootarea, offset, np) ^ stored;
                    rejects.add(where(sector, offset) + String.format(
                            "bad checksum (d_checksum 0x%04x, expected 0x%04x)", stored, good));
                }
                case BYTESWAPPED -> rejects.add(where(sector, offset)
                        + "ignoring byteswapped label");
                case DELETED -> rejects.add(where(sector, offset) + "deleted label");
                default -> {
                }
            }
        }
        return null;
    }

    private static String where(long sector, int offset) {
        return "label at sector " + (sector + offset / 512) + " byte " + offset % 512 + ": ";
    }

    /** {@code readlabel_direct()}: NetBSD MBR partitions first, then LBA 0; null if none. */
    public static Found readlabelDirect(ImageFile f, List<String> rejects) throws IOException {
        byte[] bootarea = new byte[BOOTAREA];
        for (long base : netbsdBases(f)) {
            Found found = findLabel(f, base, bootarea, rejects);
            if (found != null) {
                return found;
            }
        }
        return findLabel(f, 0, bootarea, rejects);
    }

    /**
     * {@code writelabel_direct()}: updates the label in every NetBSD MBR partition (or creates
     * one at byte 512 of it), then updates a label at LBA 0's area, or creates one at byte 512
     * when no MBR partition took the label. {@code lab} must already be sealed.
     *
     * @return the absolute byte positions written
     */
    public static List<Long> writelabelDirect(ImageFile f, Disklabel lab) throws IOException {
        List<Long> written = new ArrayList<>();
        byte[] bootarea = new byte[BOOTAREA];
        boolean any = false;
        for (long base : netbsdBases(f)) {
            Long at = updateLabel(f, base, LABELOFFSET_MBR, lab, bootarea);
            if (at != null) {
                written.add(at);
                any = true;
            }
        }
        Long at = updateLabel(f, 0, any ? -1 : LABEL_OFFSET, lab, bootarea);
        if (at != null) {
            written.add(at);
        }
        return written;
    }

    private static Long updateLabel(ImageFile f, long sector, int labelOffset, Disklabel lab,
                                    byte[] bootarea) throws IOException {
        Found found = findLabel(f, sector, bootarea, new ArrayList<>());
        int off;
        if (found != null) {
            off = found.offset();
        } else {
            if (labelOffset < 0) {
                return null;
            }
            off = labelOffset;
        }
        int len = f.pread(bootarea, 0, BOOTAREA, sector * 512);
        if (off + DisklabelCodec.SIZEOF > len) {
            throw new IOException("no space in bootarea (sector " + sector + ") to create label");
        }
        DisklabelCodec.encode(lab, bootarea, off);
        f.pwrite(bootarea, 0, len, sector * 512);
        return sector * 512 + off;
    }
}
