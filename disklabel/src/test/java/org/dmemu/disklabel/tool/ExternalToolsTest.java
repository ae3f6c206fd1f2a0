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
import java.util.ArrayList;
import java.util.List;

import org.dmemu.disklabel.DiskLabelReader;
import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.FsType;
import org.dmemu.disklabel.ImageFile;
import org.dmemu.disklabel.tool.ExternalTools.Slice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential tests against util-linux (sfdisk, fdisk with its nested BSD label editor,
 * partx): images made by them are read by dmemu, images made by dmemu are read by them.
 */
class ExternalToolsTest {
    @TempDir
    Path dir;

    private Path sparse(String name, long sectors) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(sectors * 512);
        }
        return p;
    }

    /** sfdisk: one NetBSD (a9) partition at 63 to the end. */
    private Path sfdiskA9(String name, long sectors) throws Exception {
        Path img = sparse(name, sectors);
        ExternalTools.run("start=63, size=" + (sectors - 63) + ", type=a9\n", "sfdisk", "-q",
                img.toString());
        return img;
    }

    private static List<Slice> dmemuSlices(Disklabel l) {
        List<Slice> r = new ArrayList<>();
        for (int i = 0; i < l.npartitions; i++) {
            DisklabelPartition p = l.partitions[i];
            if (p.size() != 0) {
                r.add(new Slice(String.valueOf(Disklabel.letter(i)), p.offset(), p.size(),
                        FsType.name(p.fstype())));
            }
        }
        return r;
    }

    private static Disklabel readDirect(Path img) throws Exception {
        try (ImageFile f = ImageFile.openReadOnly(img)) {
            DisklabelDirect.Found found = DisklabelDirect.readlabelDirect(f, new ArrayList<>());
            return found.label();
        }
    }

    private static String[] tool(String cmd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = cmd.equals("mkdisk")
                ? MkdiskTool.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out),
                        new PrintStream(err))
                : DisklabelTool.run(args, new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out), new PrintStream(err));
        return new String[] {Integer.toString(rc), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void fdiskNestedBsdLabel_readByDmemu_sameSlices() throws Exception {
        Path img = sfdiskA9("fdisk.img", 131072);
        // fdisk's nested BSD label editor: create a, b, e and set their types
        // explicit last sectors (the meaning of "+size" changed between util-linux versions)
        ExternalTools.run("b\ny\nn\na\n63\n32830\nn\nb\n32831\n49214\nn\ne\n49215\n69694\n"
                + "t\na\n7\nt\nb\n1\nt\ne\n7\nw\n", "fdisk", img.toString());
        List<Slice> fdisk = ExternalTools.fdiskBsdSlices(img, true);
        assertEquals(5, fdisk.size(), fdisk.toString());

        // disklabel(8)-style direct read
        Disklabel direct = readDirect(img);
        ExternalTools.assertSlices(fdisk, dmemuSlices(direct));
        assertEquals(0x20, direct.flags); // util-linux's "inside a DOS partition" bit: accepted

        // the kernel's view: same label at LBA 64, c overridden with the MBR partition
        try (ImageFile f = ImageFile.openReadOnly(img)) {
            DiskLabelReader.Result r = DiskLabelReader.read(f);
            assertEquals(DiskLabelReader.Where.MBR_PARTITION, r.where());
            assertEquals(64, r.labelSector());
            ExternalTools.assertSlices(fdisk, dmemuSlices(r.label()));
        }

        // partx (libblkid) lists the BSD slices whose fstype is not unused
        List<Slice> px = ExternalTools.partx(img);
        assertEquals("[Slice[name=1:dos, start=63, sectors=131009, type=0xa9], "
                + "Slice[name=5:netbsd, start=63, sectors=32768, type=0x7], "
                + "Slice[name=6:netbsd, start=32831, sectors=16384, type=0x1], "
                + "Slice[name=7:netbsd, start=49215, sectors=20480, type=0x7]]", px.toString());

        // dmemu disklabel prints the same slices; fdisk's d is cylinder-rounded past
        // d_secperunit for c, which disklabel(8)'s checklabel reports
        String[] r = tool("disklabel", img.toString());
        assertTrue(r[1].contains(" a:     32768        63     4.2BSD      0     0     0 "), r[1]);
        assertTrue(r[1].contains(" b:     16384     32831       swap "), r[1]);
        assertTrue(r[1].contains(" e:     20480     49215     4.2BSD "), r[1]);
        DisklabelPartition c = direct.partitions[2];
        if (c.offset() + c.size() > direct.secperunit) {
            // util-linux 2.38 rounds d_secperunit down to whole 255x63 cylinders
            assertEquals("dmemu disklabel: partition c: partition extends past end of unit\n", r[2]);
            assertEquals("1", r[0]);
        } else {
            assertEquals("", r[2]);
            assertEquals("0", r[0]);
        }
    }

    @Test
    void mkdiskMbr_readBySfdiskAndFdisk() throws Exception {
        Path img = dir.resolve("mk.img");
        String[] r = tool("mkdisk", img.toString(), "--size", "64M", "--mbr");
        assertEquals("0", r[0], r[2]);
        ExternalTools.assertSlices(List.of(new Slice(img + "1", 63, 131009, "a9")),
                ExternalTools.sfdiskDump(img));
        List<Slice> fdisk = ExternalTools.fdiskBsdSlices(img, true);
        assertEquals("[Slice[name=a, start=63, sectors=131009, type=4.2BSD], "
                + "Slice[name=c, start=63, sectors=131009, type=unused], "
                + "Slice[name=d, start=0, sectors=131072, type=unused]]", fdisk.toString());
        ExternalTools.assertSlices(fdisk, dmemuSlices(readDirect(img)));
        // the label is at LBA 64 (byte 32768)
        byte[] b = Files.readAllBytes(img);
        assertEquals(0x57, b[32768]);
        assertEquals((byte) 0x82, b[32771]);
        assertEquals((byte) 0xA9, b[446 + 4]);
    }

    @Test
    void mkdiskFromProto_readByPartxAndFdisk() throws Exception {
        Path proto = dir.resolve("proto");
        Files.writeString(proto, String.join("\n",
                "type: ESDI", "disk: proto disk", "label: fromproto", "flags:",
                "bytes/sector: 512", "sectors/track: 63", "tracks/cylinder: 16",
                "sectors/cylinder: 1008", "cylinders: 130", "total sectors: 131072",
                "rpm: 3600", "interleave: 1", "trackskew: 0", "cylinderskew: 0",
                "headswitch: 0\t\t# microseconds", "track-to-track seek: 0\t# microseconds",
                "drivedata: 0 ", "", "5 partitions:",
                "#        size    offset     fstype [fsize bsize cpg/sgs]",
                " a:     65536        65     4.2BSD   2048 16384     0",
                " b:     16384     65601       swap",
                " c:    131009        63     unused      0     0",
                " d:    131072         0     unused      0     0",
                " e:     49087     81985     4.2BSD   2048 16384     0", ""));
        Path img = dir.resolve("proto.img");
        String[] r = tool("mkdisk", img.toString(), "--size", "64M", "--mbr", "--label-from",
                proto.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("[Slice[name=1:dos, start=63, sectors=131009, type=0xa9], "
                + "Slice[name=5:netbsd, start=65, sectors=65536, type=0x7], "
                + "Slice[name=6:netbsd, start=65601, sectors=16384, type=0x1], "
                + "Slice[name=7:netbsd, start=81985, sectors=49087, type=0x7]]",
                ExternalTools.partx(img).toString());
        List<Slice> fdisk = ExternalTools.fdiskBsdSlices(img, true);
        ExternalTools.assertSlices(fdisk, dmemuSlices(readDirect(img)));
        assertEquals(5, fdisk.size());
    }

    @Test
    void disklabelR_onSfdiskImage_readByFdiskAndPartx_andPrintIsStable() throws Exception {
        Path img = sfdiskA9("r.img", 65536);
        Path proto = dir.resolve("p");
        Files.writeString(proto, "type: SCSI\ndisk: restored\nlabel: r\nbytes/sector: 512\n"
                + "sectors/track: 32\ntracks/cylinder: 64\ncylinders: 32\ntotal sectors: 65536\n"
                + "rpm: 3600\n4 partitions:\n"
                + " a: 32768 65 4.2BSD 1024 8192 16\n c: 65473 63 unused 0 0\n"
                + " d: 65536 0 unused 0 0\n");
        String[] w = tool("disklabel", "-R", img.toString(), proto.toString());
        assertEquals("0", w[0], w[2]);
        assertEquals("[Slice[name=a, start=65, sectors=32768, type=4.2BSD], "
                + "Slice[name=c, start=63, sectors=65473, type=unused], "
                + "Slice[name=d, start=0, sectors=65536, type=unused]]",
                ExternalTools.fdiskBsdSlices(img, true).toString());
        assertEquals("[Slice[name=1:dos, start=63, sectors=65473, type=0xa9], "
                + "Slice[name=5:netbsd, start=65, sectors=32768, type=0x7]]",
                ExternalTools.partx(img).toString());
        // print, write the printed text back, print again: identical
        String[] p1 = tool("disklabel", img.toString());
        assertEquals("0", p1[0], p1[2]);
        Path proto2 = dir.resolve("p2");
        Files.writeString(proto2, p1[1]);
        assertEquals("0", tool("disklabel", "-R", img.toString(), proto2.toString())[0]);
        assertEquals(p1[1], tool("disklabel", img.toString())[1]);
    }

    @Test
    void mkdiskBare_labelAtLba1_readBySfdiskFdiskPartx() throws Exception {
        Path img = dir.resolve("bare.img");
        assertEquals("0", tool("mkdisk", img.toString(), "--size", "8M")[0]);
        assertEquals("[Slice[name=" + img + "1, start=0, sectors=16384, type=7], "
                + "Slice[name=" + img + "3, start=0, sectors=16384, type=0], "
                + "Slice[name=" + img + "4, start=0, sectors=16384, type=0]]",
                ExternalTools.sfdiskDump(img).toString());
        assertEquals("[Slice[name=a, start=0, sectors=16384, type=4.2BSD], "
                + "Slice[name=c, start=0, sectors=16384, type=unused], "
                + "Slice[name=d, start=0, sectors=16384, type=unused]]",
                ExternalTools.fdiskBsdSlices(img, false).toString());
        assertEquals("[Slice[name=1:bsd, start=0, sectors=16384, type=0x7]]",
                ExternalTools.partx(img).toString());
        byte[] b = Files.readAllBytes(img);
        assertEquals(0x57, b[512]);
    }

    @Test
    void toolVersions_recorded() throws Exception {
        assertTrue(ExternalTools.version("sfdisk").startsWith("sfdisk from util-linux"));
        assertTrue(ExternalTools.version("fdisk").startsWith("fdisk from util-linux"));
    }
}
