package org.dmemu.disklabel.tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.DkType;
import org.dmemu.disklabel.FsType;
import org.dmemu.disklabel.ImageFile;
import org.dmemu.disklabel.Mbr;

/**
 * {@code dmemu mkdisk IMAGE --size SIZE [--mbr] [--label-from PROTOFILE]} creates a sparse
 * disk image with a NetBSD disklabel, ready for kernel-sim.
 *
 * <ul>
 *   <li>With {@code --mbr}: sector 0 holds an MBR with one active NetBSD (0xA9) partition from
 *       LBA 63 to the end of the disk, and the label is at LBA 64 (sector 1 of that
 *       partition). Default partitions: {@code a} = 4.2BSD from 63 to the end, {@code c} =
 *       the NetBSD partition, {@code d} = the whole disk.</li>
 *   <li>Without: the label is at LBA 1; {@code a}, {@code c} and {@code d} cover the whole
 *       disk.</li>
 *   <li>{@code --label-from}: the label comes from a disklabel(8) prototype (the format
 *       {@code dmemu disklabel} prints); a missing "total sectors" is taken from SIZE.</li>
 * </ul>
 * SIZE is bytes with an optional K, M, G or T suffix (powers of 1024) or sectors with an
 * {@code s} suffix; it must be a multiple of 512, at least 64 KiB and at most 2³²−1 sectors.
 *
 * <p>Differences from NetBSD: this is a dmemu tool (NetBSD would use
 * {@code dd}+{@code fdisk -i}+{@code disklabel -R}); the default geometry is the 16×63
 * translation of {@link org.dmemu.disklabel.DiskLabelReader#defaultLabel}.
 */
public final class MkdiskTool {
    private static final String USAGE =
            "usage: dmemu mkdisk IMAGE --size SIZE [--mbr] [--label-from PROTOFILE]";
    /** First sector of the NetBSD MBR partition (one BIOS track, NetBSD fdisk's default). */
    public static final int MBR_START = 63;
    private static final long MIN_SECTORS = 128;

    private MkdiskTool() {
    }

    /** Runs the command; see the class comment. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String image = null;
        String size = null;
        String proto = null;
        boolean mbr = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--mbr" -> mbr = true;
                case "--size", "--label-from" -> {
                    if (i + 1 >= args.length) {
                        err.println("dmemu mkdisk: " + a + " needs a value (" + USAGE + ")");
                        return 64;
                    }
                    if (a.equals("--size")) {
                        size = args[++i];
                    } else {
                        proto = args[++i];
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        err.println("dmemu mkdisk: unknown option " + a + " (" + USAGE + ")");
                        return 64;
                    }
                    if (image != null) {
                        err.println("dmemu mkdisk: more than one IMAGE (" + USAGE + ")");
                        return 64;
                    }
                    image = a;
                }
            }
        }
        if (image == null || size == null) {
            err.println("dmemu mkdisk: IMAGE and --size are required (" + USAGE + ")");
            return 64;
        }
        long sectors = parseSize(size);
        if (sectors < 0) {
            err.println("dmemu mkdisk: bad --size '" + size + "': a multiple of 512 bytes"
                    + " (suffix K, M, G, T or s for sectors) from 64K to 2^32-1 sectors");
            return 64;
        }
        Path path = Path.of(image);
        if (Files.exists(path)) {
            err.println("dmemu mkdisk: " + image + ": file exists (not overwritten)");
            return 1;
        }
        try {
            Disklabel lab;
            if (proto != null) {
                lab = new Disklabel();
                List<String> diags = new ArrayList<>();
                boolean ok;
                try (BufferedReader r = Files.newBufferedReader(Path.of(proto),
                        StandardCharsets.ISO_8859_1)) {
                    ok = AsciiLabel.getasciilabel(r, lab, sectors, diags);
                } catch (IOException e) {
                    // The prototype is to blame, not the image.
                    err.println("dmemu mkdisk: " + proto + ": cannot read the prototype label: " + IoErrors.reason(e));
                    return 1;
                }
                for (String d : diags) {
                    err.println("dmemu mkdisk: " + proto + ": " + d);
                }
                if (!ok) {
                    return 1;
                }
            } else {
                lab = defaultLabel(sectors, mbr);
            }
            DisklabelCodec.seal(lab);
            String fit = DisklabelTool.fitsImage(lab, sectors);
            if (fit != null) {
                err.println("dmemu mkdisk: " + fit);
                return 1;
            }
            create(path, sectors, mbr, lab);
            return 0;
        } catch (IOException e) {
            Path dir = path.toAbsolutePath().getParent();
            String why = IoErrors.reason(e);
            if (dir != null && !Files.isDirectory(dir)) {
                why += " (" + dir + (Files.exists(dir) ? " is not a directory)" : " does not exist)");
            }
            err.println("dmemu mkdisk: " + image + ": cannot create the image: " + why);
            return 1;
        }
    }

    /** Writes the sparse image, the MBR (if asked) and the label. */
    static void create(Path path, long sectors, boolean mbr, Disklabel lab) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(sectors * 512);
        }
        try (ImageFile f = ImageFile.openReadWrite(path)) {
            if (mbr) {
                byte[] s0 = Mbr.create(List.of(new Mbr.Partition(0x80, Mbr.PTYPE_NETBSD,
                        MBR_START, sectors - MBR_START)));
                f.write(0, s0, 0, 1);
            }
            DisklabelDirect.writelabelDirect(f, lab);
        }
    }

    /** The label mkdisk writes without a prototype. */
    public static Disklabel defaultLabel(long sectors, boolean mbr) {
        Disklabel l = new Disklabel();
        l.type = DkType.ESDI;
        l.setTypename("dmemu disk");
        l.setPackname("mkdisk");
        l.secsize = 512;
        l.nsectors = 63;
        l.ntracks = 16;
        l.secpercyl = 63 * 16;
        l.ncylinders = sectors / l.secpercyl;
        l.secperunit = sectors;
        l.rpm = 3600;
        l.interleave = 1;
        l.bbsize = Disklabel.BBSIZE;
        l.sbsize = Disklabel.SBLOCKSIZE;
        long start = mbr ? MBR_START : 0;
        l.partitions[0] = new DisklabelPartition(sectors - start, start, 2048, FsType.BSDFFS, 8, 0);
        l.partitions[2] = DisklabelPartition.of(sectors - start, start, FsType.UNUSED);
        l.partitions[3] = DisklabelPartition.of(sectors, 0, FsType.UNUSED);
        l.npartitions = 4;
        return l;
    }

    /** SIZE → sectors, or -1 if malformed or out of range. */
    static long parseSize(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        String digits = Character.isDigit(last) ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long v = Long.parseLong(digits);
        long bytes;
        switch (last) {
            case 'S' -> bytes = v * 512;
            case 'K' -> bytes = v << 10;
            case 'M' -> bytes = v << 20;
            case 'G' -> bytes = v << 30;
            case 'T' -> bytes = v << 40;
            default -> {
                if (!Character.isDigit(last)) {
                    return -1;
                }
                bytes = v;
            }
        }
        if (bytes <= 0 || bytes % 512 != 0) {
            return -1;
        }
        long sectors = bytes / 512;
        return sectors < MIN_SECTORS || sectors > 0xFFFF_FFFFL ? -1 : sectors;
    }
}
