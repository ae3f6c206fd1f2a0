package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dmemu.kern.DiskSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or inconsistent LVM2 metadata (made by changing real LVM2 output): one message
 * naming the PV and what failed, exit 5, and not a single request sent to the kernel.
 */
class LvmBadMetadataTest {
    @TempDir
    Path tmp;
    private byte[] img;
    private Path file;

    @BeforeEach
    void unpack() throws IOException {
        file = LvmFixtures.unpack(LvmFixtures.DIR, "linear", tmp);
        img = Files.readAllBytes(file);
    }

    /** An in-memory device over the image. */
    private PvDevice mem() {
        return new PvDevice() {
            @Override
            public String name() {
                return "/dev/rwd0a";
            }

            @Override
            public String blockName() {
                return "/dev/wd0a";
            }

            @Override
            public long size() {
                return img.length;
            }

            @Override
            public boolean read(long pos, byte[] b, int off, int len) {
                if (pos < 0 || pos + len > img.length) {
                    return false;
                }
                System.arraycopy(img, (int) pos, b, off, len);
                return true;
            }
        };
    }

    private List<String> errors() {
        return LvmScan.scan(List.of(mem())).errors();
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The fixture's latest metadata, changed by {@code edit}, written back with valid checksums. */
    private void rewrite(UnaryOperator<String> edit) {
        rewrite(img, edit);
    }

    /** The same for another image of the same layout (label in sector 1, mda at 4096). */
    static void rewrite(byte[] img, UnaryOperator<String> edit) {
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        long mda = 4096;
        assertEquals(mda, b.getLong(512 + 32 + 32 + 8 + 32), "fixture mda offset");
        long off = b.getLong((int) mda + 40);
        long size = b.getLong((int) mda + 48);
        String text = new String(img, (int) (mda + off), (int) size, StandardCharsets.UTF_8).replace("\0", "");
        byte[] t = (edit.apply(text) + "\0").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, img, (int) (mda + off), t.length);
        b.putLong((int) mda + 48, t.length);
        b.putInt((int) mda + 56, LvmCrc.calc(LvmCrc.INITIAL_CRC, t, 0, t.length));
        b.putInt((int) mda, LvmCrc.calc(LvmCrc.INITIAL_CRC, img, (int) mda + 4, MdaHeader.MDA_HEADER_SIZE - 4));
    }

    @Test
    void fixtureAsIs_noErrors() {
        assertEquals(List.of(), errors());
    }

    @Test
    void labelChecksum() {
        img[512 + 40] ^= 1;
        List<String> e = errors();
        assertEquals(1, e.size());
        assertTrue(e.get(0).matches("/dev/rwd0a: label in sector 1: checksum 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}"),
                e.get(0));
    }

    @Test
    void labelSectorNumber() {
        le().putLong(512 + 8, 3);
        le().putInt(512 + 16, LvmCrc.calc(LvmCrc.INITIAL_CRC, img, 512 + 20, 492));
        assertEquals(List.of("/dev/rwd0a: label in sector 1: sector_xl says 3"), errors());
    }

    @Test
    void mdaHeaderChecksum() {
        img[4096 + 100] ^= 1;
        List<String> e = errors();
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("/dev/rwd0a: metadata area header at byte 4096: checksum 0x"), e.get(0));
    }

    @Test
    void mdaMagic() {
        img[4096 + 5] = 'X';
        le().putInt(4096, LvmCrc.calc(LvmCrc.INITIAL_CRC, img, 4096 + 4, 508));
        assertEquals(List.of("/dev/rwd0a: metadata area header at byte 4096: wrong magic number"), errors());
    }

    @Test
    void metadataTextChecksum() {
        long off = le().getLong(4096 + 40);
        img[(int) (4096 + off + 10)] ^= 1;
        List<String> e = errors();
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("/dev/rwd0a: metadata at byte " + (4096 + off) + ": checksum 0x"), e.get(0));
    }

    @Test
    void segmentPastPeCount() {
        rewrite(t -> t.replace("extent_count = 2", "extent_count = 9"));
        assertEquals(List.of("/dev/rwd0a: VG vg0 metadata: LV lv0 segment1: extents 0-8 of pv0 past its pe_count 7"),
                errors());
    }

    @Test
    void unknownPvInStripes() {
        rewrite(t -> t.replaceFirst("\"pv0\", 0", "\"pv7\", 0"));
        assertEquals(List.of("/dev/rwd0a: VG vg0 metadata: LV lv0 segment1: stripe 0 names unknown PV pv7"),
                errors());
    }

    @Test
    void syntaxError() {
        rewrite(t -> t.replace("seqno = ", "seqno == "));
        List<String> e = errors();
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("/dev/rwd0a: metadata text: line "), e.get(0));
    }

    @Test
    void peAreaPastDevice() {
        rewrite(t -> t.replace("pe_count = 7", "pe_count = 70"));
        assertEquals(List.of("/dev/rwd0a: VG vg0 metadata: pv0 pe_start 2048 + 70 extents of 8192 sectors end at"
                + " sector 575488, past the device's 65536"), errors());
    }

    @Test
    void vgchange_badLabel_exit5_nothingSent() throws IOException {
        img[512 + 40] ^= 1;
        Files.write(file, img);
        LvmFixtures.Run r = LvmFixtures.lvm(List.of(new DiskSpec("wd0", "file:" + file, 512)),
                LvmFixtures.NO_KERNEL, List.of("vgchange", "-ay", "vg0"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("  /dev/rwd0a: label in sector 1: checksum 0x"), r.err());
        assertTrue(r.err().endsWith("  Nothing activated or deactivated: the metadata above must be repaired first.\n"),
                r.err());
    }

    @Test
    void vgchange_missingPv_exit5_nothingSent() throws IOException {
        Path s0 = LvmFixtures.unpack(LvmFixtures.DIR, "striped0", tmp);
        LvmFixtures.Run r = LvmFixtures.lvm(List.of(new DiskSpec("wd0", "file:" + s0, 512)),
                LvmFixtures.NO_KERNEL, List.of("vgchange", "-ay"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertTrue(r.err().matches("(?s)  VG vgstripe: PV pv1 \\([0-9A-Za-z-]{38}, last seen on /dev/loop\\d+\\) was not"
                + " found on any device\n.*"), r.err());
    }

    @Test
    void commandLineMistakes() {
        List<DiskSpec> d = List.of(new DiskSpec("wd0", "file:" + file, 512));
        LvmFixtures.Run r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("pvcreate", "/dev/rwd0a"));
        assertEquals(LvmTool.EINVALID_CMD_LINE, r.rc());
        assertEquals("dmemu lvm: no such command 'pvcreate' (pvs, vgs, lvs, lvdisplay, vgchange, lvchange, vgscan)\n", r.err());
        r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("lvchange", "vg0/lv0"));
        assertEquals(LvmTool.EINVALID_CMD_LINE, r.rc());
        assertEquals("dmemu lvm lvchange: -a y|n is required\n", r.err());
        r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("lvs", "-o", "lv_name,nosuchfield"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertEquals("  Unrecognised field: nosuchfield\n", r.err());
        r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("vgchange", "-ay", "nosuchvg"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertEquals("  Volume group \"nosuchvg\" not found\n", r.err());
    }

    @Test
    void noServe_vgchangeFailsOnce_lvsStillReports() {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        String sock = tmp.resolve("control").toString();
        int rc = LvmTool.run(new String[] {"--control", sock, "--disk", "wd0=file:" + file, "vgchange", "-ay"},
                java.util.Map.of(), null, new java.io.PrintStream(o, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(LvmTool.ECMD_FAILED, rc);
        assertEquals("", o.toString(StandardCharsets.UTF_8));
        assertEquals("  Failure to communicate with kernel device-mapper driver.\n  (no 'dmemu serve' answers on "
                + sock + ")\n", e.toString(StandardCharsets.UTF_8));
        o.reset();
        e.reset();
        rc = LvmTool.run(new String[] {"--control", sock, "--disk", "wd0=file:" + file, "lvs"},
                java.util.Map.of(), null, new java.io.PrintStream(o, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        assertEquals("  LV  VG  Attr       LSize\n  lv0 vg0 -wi------- 8.00m\n  lv1 vg0 -wi------- 4.00m\n",
                o.toString(StandardCharsets.UTF_8));
    }

    @Test
    void inconsistentCopies_onTwoPvs_exit5_nothingSent() throws IOException {
        Path s0 = LvmFixtures.unpack(LvmFixtures.DIR, "striped0", tmp);
        Path s1 = LvmFixtures.unpack(LvmFixtures.DIR, "striped1", tmp);
        byte[] b = Files.readAllBytes(s1);
        rewrite(b, t -> t.replace("seqno = 4", "seqno = 5"));
        Files.write(s1, b);
        List<DiskSpec> d = List.of(new DiskSpec("wd0", "file:" + s0, 512), new DiskSpec("wd1", "file:" + s1, 512));
        LvmFixtures.Run r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("vgchange", "-ay", "vgstripe"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertEquals("  WARNING: VG vgstripe shown with the metadata of seqno 5\n"
                + "  /dev/rwd1a: VG vgstripe metadata has seqno 5, but /dev/rwd0a has seqno 4 (inconsistent metadata)\n"
                + "  Nothing activated or deactivated: the metadata above must be repaired first.\n", r.err());
        rewrite(b, t -> t.replace("seqno = 5", "seqno = 4").replace("stripe_size = 128", "stripe_size = 256"));
        Files.write(s1, b);
        r = LvmFixtures.lvm(d, LvmFixtures.NO_KERNEL, List.of("lvchange", "-ay", "vgstripe/stripe"));
        assertEquals(LvmTool.ECMD_FAILED, r.rc());
        assertTrue(r.err().contains("  /dev/rwd1a: VG vgstripe metadata differs from /dev/rwd0a's with the same seqno 4"
                + " (inconsistent metadata)\n"), r.err());
    }
}
