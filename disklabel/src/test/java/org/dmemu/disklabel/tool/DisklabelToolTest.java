package org.dmemu.disklabel.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dmemu.disklabel.DiskLabelReader;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.ImageFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisklabelToolTest {
    @TempDir
    Path dir;

    private record Out(int rc, String out, String err) {
    }

    private static Out disklabel(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = DisklabelTool.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(o),
                new PrintStream(e));
        return new Out(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static Out mkdisk(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = MkdiskTool.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(o),
                new PrintStream(e));
        return new Out(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private Path mbrImage() {
        Path img = dir.resolve("d.img");
        assertEquals(0, mkdisk(img.toString(), "--size", "64M", "--mbr").rc());
        return img;
    }

    private static void patch(Path img, long pos, byte[] bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(pos);
            f.write(bytes);
        }
    }

    @Test
    void print_mkdiskMbrImage_exactDisklabel8Format() {
        Path img = mbrImage();
        Out r = disklabel(img.toString());
        assertEquals(0, r.rc(), r.err());
        assertEquals("", r.err());
        assertEquals("# " + img + ":\n"
                + "type: ESDI\n"
                + "disk: dmemu disk\n"
                + "label: mkdisk\n"
                + "flags:\n"
                + "bytes/sector: 512\n"
                + "sectors/track: 63\n"
                + "tracks/cylinder: 16\n"
                + "sectors/cylinder: 1008\n"
                + "cylinders: 130\n"
                + "total sectors: 131072\n"
                + "rpm: 3600\n"
                + "interleave: 1\n"
                + "trackskew: 0\n"
                + "cylinderskew: 0\n"
                + "headswitch: 0\t\t# microseconds\n"
                + "track-to-track seek: 0\t# microseconds\n"
                + "drivedata: 0 \n"
                + "\n"
                + "4 partitions:\n"
                + "#        size    offset     fstype [fsize bsize cpg/sgs]\n"
                + " a:    131009        63     4.2BSD   2048 16384     0  # (Cyl.      0*-    130*)\n"
                + " c:    131009        63     unused      0     0        # (Cyl.      0*-    130*)\n"
                + " d:    131072         0     unused      0     0        # (Cyl.      0 -    130*)\n",
                r.out());
        assertEquals(r.out(), disklabel("-r", img.toString()).out());
    }

    @Test
    void print_badChecksum_refusedNamingTheCheck() throws Exception {
        Path img = mbrImage();
        patch(img, 64 * 512 + 148, new byte[] {1});
        Out r = disklabel(img.toString());
        assertEquals(1, r.rc());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("dmemu disklabel: " + img + ": could not read existing label:"
                + " label at sector 64 byte 0: bad checksum (d_checksum 0x"), r.err());
        assertEquals(1, r.err().lines().count());
        try (ImageFile f = ImageFile.openReadOnly(img)) {
            DiskLabelReader.Result k = DiskLabelReader.read(f);
            assertEquals(DiskLabelReader.Where.FABRICATED, k.where());
            assertEquals("disk label corrupted", k.message());
        }
    }

    @Test
    void print_badSecondMagic_refused() throws Exception {
        Path img = mbrImage();
        patch(img, 64 * 512 + 132, new byte[] {0, 0, 0, 0});
        Out r = disklabel(img.toString());
        assertEquals(1, r.rc());
        assertEquals("dmemu disklabel: " + img + ": could not read existing label: label at sector"
                + " 64 byte 0: d_magic2 is 0x00000000, not DISKMAGIC 0x82564557\n", r.err());
    }

    @Test
    void print_seventeenPartitions_refused() throws Exception {
        Path img = mbrImage();
        byte[] lab = new byte[512];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            f.seek(64 * 512);
            f.readFully(lab);
        }
        lab[138] = 17;
        lab[136] = 0;
        lab[137] = 0;
        int sum = DisklabelCodec.dkcksum(lab, 0, 17);
        lab[136] = (byte) sum;
        lab[137] = (byte) (sum >>> 8);
        patch(img, 64 * 512, lab);
        Out r = disklabel(img.toString());
        assertEquals(1, r.rc());
        assertEquals("dmemu disklabel: " + img + ": could not read existing label: label at sector"
                + " 64 byte 0: d_npartitions 17 exceeds MAXPARTITIONS (16)\n", r.err());
    }

    @Test
    void print_labelOutsideTheDisk_refused() throws Exception {
        Path img = mbrImage();
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        Out r = disklabel(img.toString());
        assertEquals(1, r.rc());
        assertTrue(r.out().contains("total sectors: 131072\n"));
        assertEquals("dmemu disklabel: " + img + ": label outside the disk: total sectors 131072"
                + " > image size 65536 sectors\n", r.err());
        try (ImageFile f = ImageFile.openReadOnly(img)) {
            DiskLabelReader.Result k = DiskLabelReader.read(f);
            assertEquals(DiskLabelReader.Where.FABRICATED, k.where());
            assertEquals("mbr partition exceeds disk size", k.message());
        }
    }

    @Test
    void print_noLabel_refused() throws Exception {
        Path img = dir.resolve("zero.img");
        Files.write(img, new byte[65536]);
        Out r = disklabel(img.toString());
        assertEquals(1, r.rc());
        assertEquals("dmemu disklabel: " + img + ": could not read existing label: no disklabel"
                + " (no DISKMAGIC in the 8 KiB of any NetBSD MBR partition nor of LBA 0)\n", r.err());
    }

    @Test
    void usageMistakes_exit64_missingImage_exit1() {
        assertEquals(64, disklabel().rc());
        assertEquals(64, disklabel("-x", "img").rc());
        assertEquals(64, disklabel("-R", "img").rc());
        assertEquals(64, disklabel("a", "b").rc());
        Out r = disklabel(dir.resolve("nope.img").toString());
        assertEquals(1, r.rc());
        assertEquals("dmemu disklabel: " + dir.resolve("nope.img") + ": no such file\n", r.err());
    }

    @Test
    void restore_protoErrors_reportedWithLineNumbers_nothingWritten() throws Exception {
        Path img = mbrImage();
        byte[] before = Files.readAllBytes(img);
        Path proto = dir.resolve("bad.proto");
        Files.writeString(proto, "bytes/sector: 512\nsectors/track: 63\ntracks/cylinder: 16\n"
                + "cylinders: 130\nfrobnicate: 1\n4 partitions:\n a: 200000 0 4.2BSD 2048 16384 0\n");
        Out r = disklabel("-R", img.toString(), proto.toString());
        assertEquals(1, r.rc());
        assertEquals("dmemu disklabel: " + proto + ": line 5: unknown field: frobnicate\n"
                + "dmemu disklabel: " + proto + ": warning, revolutions/minute 0\n"
                + "dmemu disklabel: " + proto + ": partition a: partition extends past end of unit\n",
                r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(img)));
    }

    @Test
    void mkdisk_usageAndSizeErrors() {
        assertEquals(64, mkdisk().rc());
        assertEquals(64, mkdisk(dir.resolve("x").toString()).rc());
        assertEquals(64, mkdisk(dir.resolve("x").toString(), "--size").rc());
        Out r = mkdisk(dir.resolve("x").toString(), "--size", "1000");
        assertEquals(64, r.rc());
        assertTrue(r.err().startsWith("dmemu mkdisk: bad --size '1000'"), r.err());
        assertEquals(64, mkdisk(dir.resolve("x").toString(), "--size", "3T").rc());
        assertEquals(64, mkdisk(dir.resolve("x").toString(), "--size", "64M", "--bogus").rc());
        Path img = mbrImage();
        Out again = mkdisk(img.toString(), "--size", "1M");
        assertEquals(1, again.rc());
        assertEquals("dmemu mkdisk: " + img + ": file exists (not overwritten)\n", again.err());
    }

    @Test
    void mkdisk_parseSize() {
        assertEquals(131072, MkdiskTool.parseSize("64M"));
        assertEquals(131072, MkdiskTool.parseSize("64m"));
        assertEquals(2048, MkdiskTool.parseSize("1048576"));
        assertEquals(4096, MkdiskTool.parseSize("4096s"));
        assertEquals(-1, MkdiskTool.parseSize("513"));
        assertEquals(-1, MkdiskTool.parseSize("32K")); // below 64 KiB
        assertEquals(0xFFFF_FFFFL, MkdiskTool.parseSize("4294967295s"));
        assertEquals(-1, MkdiskTool.parseSize("4294967296s"));
    }

    @Test
    void mkdisk_isSparse() throws Exception {
        Path img = dir.resolve("big.img");
        assertEquals(0, mkdisk(img.toString(), "--size", "1G", "--mbr").rc());
        assertEquals(1L << 30, Files.size(img));
        // allocated 512-byte blocks: only the MBR and label pages, not the gigabyte
        long blocks = Long.parseLong(ExternalTools.run(null, "stat", "-c", "%b", img.toString())
                .strip());
        assertTrue(blocks < 256, "allocated blocks: " + blocks);
    }
}
