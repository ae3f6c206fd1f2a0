package org.dmemu.disklabel.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.DkType;
import org.dmemu.disklabel.FsType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class AsciiLabelTest {
    private static boolean parse(String text, Disklabel lp, List<String> diags) throws Exception {
        return AsciiLabel.getasciilabel(new BufferedReader(new StringReader(text)), lp, 0, diags);
    }

    @Test
    void parse_fullProto_allFields() throws Exception {
        Disklabel lp = new Disklabel();
        List<String> d = new ArrayList<>();
        assertTrue(parse("# comment\ntype: SCSI\ndisk: my disk\nlabel: pack\nflags: removable ecc\n"
                + "bytes/sector: 512\nsectors/track: 32\ntracks/cylinder: 64\n"
                + "sectors/cylinder: 2048\ncylinders: 10\ntotal sectors: 20480\nrpm: 7200\n"
                + "interleave: 1\ntrackskew: 2\ncylinderskew: 3\nheadswitch: 4\n"
                + "track-to-track seek: 5\ndrivedata: 1 2 3\n6 partitions:\n"
                + " a: 1/0/0 2048 4.2BSD 2048 16384 28\n b: 1024 4096 swap\n"
                + " c: 20480 0 unused 0 0\n d: 20480 0 unused 0 0\n"
                + " e: 100 8000 ISO9660 7\n f: 200 9000 Linux Ext2 1024 4096\n", lp, d), d.toString());
        assertEquals(List.of(), d);
        assertEquals(DkType.SCSI, lp.type);
        assertEquals("my disk", lp.typenameString());
        assertEquals(3, lp.flags);
        assertEquals(7200, lp.rpm);
        assertEquals(5, lp.trkseek);
        assertEquals(3, lp.drivedata[2]);
        assertEquals(6, lp.npartitions);
        assertEquals(new DisklabelPartition(2048, 2048, 2048, FsType.BSDFFS, 8, 28), lp.partitions[0]);
        assertEquals(DisklabelPartition.of(1024, 4096, FsType.SWAP), lp.partitions[1]);
        assertEquals(new DisklabelPartition(100, 8000, 7, FsType.ISO9660, 0, 0), lp.partitions[4]);
        assertEquals(new DisklabelPartition(200, 9000, 1024, FsType.EX2FS, 4, 0), lp.partitions[5]);
        assertEquals(8192, lp.bbsize);
    }

    @Test
    void parse_errorsAndWarnings_netbsdTexts() throws Exception {
        Disklabel lp = new Disklabel();
        List<String> d = new ArrayList<>();
        assertFalse(parse("bytes/sector: 500\nsectors/track: 63\ntracks/cylinder: 1\ncylinders: 4\n"
                + "rpm: 3600\nflags: shiny\n17 partitions:\n a: 10\n q: 1 0 unused 0 0\n"
                + " b: 10 0 nosuchfs\n", lp, d));
        assertEquals(List.of("line 1: bad bytes/sector: 500", "line 6: bad flag: shiny",
                "line 7: bad # of partitions", "line 8: too few fields",
                "line 9: bad partition name: q",
                "line 10: warning, unknown file system type: nosuchfs",
                "tip: use -l to see all valid file system types", "line 10: too few fields",
                "sector size 0"), d);
    }

    @Test
    void checklabel_overlapAndNpartitionsRaised() {
        Disklabel lp = new Disklabel();
        lp.secsize = 512;
        lp.nsectors = 63;
        lp.ntracks = 16;
        lp.ncylinders = 10;
        lp.rpm = 3600;
        lp.bbsize = 8192;
        lp.sbsize = 8192;
        lp.npartitions = 2;
        lp.partitions[0] = DisklabelPartition.of(100, 0, FsType.BSDFFS);
        lp.partitions[1] = DisklabelPartition.of(100, 50, FsType.SWAP);
        lp.partitions[5] = DisklabelPartition.of(10, 0, FsType.UNUSED);
        List<String> d = new ArrayList<>();
        assertEquals(0, AsciiLabel.checklabel(lp, d));
        assertEquals(List.of("warning, partition f increased number of partitions from 2 to 6",
                "partitions a and b overlap"), d);
        assertEquals(1008, lp.secpercyl);
        assertEquals(10080, lp.secperunit);
        assertEquals(6, lp.npartitions);
    }

    @Property(tries = 200)
    void printThenParse_isIdentityForPrintableLabels(
            @ForAll @LongRange(min = 1, max = 60000) long cyl,
            @ForAll @IntRange(min = 1, max = 16) int np,
            @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long seed) throws Exception {
        java.util.Random rnd = new java.util.Random(seed);
        Disklabel l = new Disklabel();
        l.type = rnd.nextInt(DkType.DKMAXTYPES);
        l.setTypename("disk" + rnd.nextInt(1000));
        l.setPackname("pack" + rnd.nextInt(1000));
        l.flags = rnd.nextInt(8);
        l.secsize = 512L << rnd.nextInt(4);
        l.nsectors = 1 + rnd.nextInt(255);
        l.ntracks = 1 + rnd.nextInt(255);
        l.secpercyl = l.nsectors * l.ntracks;
        l.ncylinders = cyl;
        l.secperunit = l.secpercyl * cyl;
        l.rpm = 1 + rnd.nextInt(20000);
        l.interleave = rnd.nextInt(4);
        l.trackskew = rnd.nextInt(4);
        l.cylskew = rnd.nextInt(4);
        l.headswitch = rnd.nextInt(100);
        l.trkseek = rnd.nextInt(100);
        l.drivedata[0] = rnd.nextInt(10);
        l.drivedata[1] = rnd.nextInt(10);
        l.bbsize = 8192;
        l.sbsize = 8192;
        l.npartitions = np;
        int[] types = {FsType.UNUSED, FsType.SWAP, FsType.BSDFFS, FsType.BSDLFS, FsType.EX2FS,
            FsType.MSDOS, FsType.RAID, FsType.ISO9660};
        for (int i = 0; i < np; i++) {
            long size = 1 + Math.floorMod(rnd.nextLong(), l.secperunit);
            long off = Math.floorMod(rnd.nextLong(), l.secperunit - size + 1);
            int t = types[rnd.nextInt(types.length)];
            long fsize = 0;
            int frag = 0;
            int cpg = 0;
            switch (t) {
                case FsType.BSDFFS, FsType.BSDLFS -> {
                    fsize = 512L << rnd.nextInt(4);
                    frag = 1 << rnd.nextInt(4);
                    cpg = rnd.nextInt(100);
                }
                case FsType.EX2FS, FsType.UNUSED -> {
                    fsize = rnd.nextBoolean() ? 0 : 1024;
                    frag = fsize == 0 ? 0 : 4;
                }
                case FsType.ISO9660 -> fsize = rnd.nextInt(50);
                default -> {
                }
            }
            l.partitions[i] = new DisklabelPartition(size, off, fsize, t, frag, cpg);
        }
        DisklabelCodec.seal(l);
        String text = DisklabelPrinter.format(l, "img");
        Disklabel back = new Disklabel();
        List<String> d = new ArrayList<>();
        assertTrue(parse(text, back, d), d.toString());
        DisklabelCodec.seal(back);
        assertEquals(l, back);
        assertEquals(text, DisklabelPrinter.format(back, "img"));
    }
}
