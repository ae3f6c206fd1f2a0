package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.KernelTransport;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After {@code dmemu lvm vgchange -ay}, a sector written through {@code /dev/mapper/VG-LV} at
 * LV sector x lands in the image at the place LVM2's own report says (seg_start_pe,
 * seg_size_pe, stripes, stripe_size, seg_pe_ranges, pe_start — the fixture's .lvs/.pvs files),
 * computed here from those columns alone; {@code vgchange -an} removes every device again.
 */
class LvmActivateDataTest {
    @TempDir
    Path tmp;

    static List<LvmFixtures.Fixture> fixtures() {
        return LvmFixtures.ALL;
    }

    /** A pv line of LVM2's report. */
    private record PvRow(long peStart, long peCount, long size) {
    }

    /** An lvs --segments line of LVM2's report. */
    private record SegRow(String vg, String lv, long startPe, long sizePe, int stripes, long stripeSize,
                          List<String> ranges) {
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void dataLandsWhereLvm2SaysItLives(LvmFixtures.Fixture f) throws Exception {
        List<DiskSpec> disks = LvmFixtures.disks(LvmFixtures.DIR, f, tmp);
        Map<String, PvRow> pvs = new HashMap<>();
        for (String l : LvmFixtures.expected(LvmFixtures.DIR, f.name() + ".pvs")) {
            String[] w = l.split(" ");
            pvs.put(w[0], new PvRow(Long.parseLong(w[3]), Long.parseLong(w[4]), Long.parseLong(w[5])));
        }
        List<SegRow> segs = new ArrayList<>();
        for (String l : LvmFixtures.expected(LvmFixtures.DIR, f.name() + ".lvs")) {
            String[] w = l.split(" ");
            segs.add(new SegRow(w[0], w[1], Long.parseLong(w[3]), Long.parseLong(w[4]), Integer.parseInt(w[6]),
                    Long.parseLong(w[7]), List.of(w).subList(8, w.length)));
        }
        try (Kernel k = Kernel.boot(new KernelConfig(disks, Set.of(), false, false, null))) {
            LvmFixtures.Run up = LvmFixtures.lvm(disks, new KernelTransport(k), List.of("vgchange", "-ay"));
            assertEquals("", up.err());
            assertEquals(0, up.rc());
            for (SegRow s : segs) {
                PvRow first = pvs.get(s.ranges().get(0).split(":")[0]);
                long extent = first.size() / first.peCount();
                String dm = s.vg().replace("-", "--") + "-" + s.lv().replace("-", "--");
                DiskHandle h = k.open("/dev/mapper/" + dm);
                long segSectors = s.sizePe() * extent;
                List<Long> offsets = new ArrayList<>(List.of(0L, segSectors - 1, segSectors / 2 + 3));
                if (s.stripes() > 1) {
                    offsets.add(s.stripeSize());
                    offsets.add(s.stripeSize() * s.stripes() + 5);
                    offsets.add(s.stripeSize() * (s.stripes() + 1) - 1);
                }
                for (long in : offsets) {
                    long lvSector = s.startPe() * extent + in;
                    byte[] data = pattern(dm + " sector " + lvSector);
                    Buf bp = new Buf().setup(Buf.B_WRITE, lvSector, data, 0, 512);
                    h.strategy(bp);
                    assertEquals(Errno.NONE, bp.error(), dm + " write at " + lvSector);
                    // where LVM2's columns put LV sector lvSector
                    long chunk = s.stripes() > 1 ? in / s.stripeSize() : 0;
                    int stripe = (int) (chunk % s.stripes());
                    long within = s.stripes() > 1 ? (chunk / s.stripes()) * s.stripeSize() + in % s.stripeSize() : in;
                    String[] range = s.ranges().get(stripe).split(":");
                    PvRow pv = pvs.get(range[0]);
                    long pe = Long.parseLong(range[1].split("-")[0]);
                    int unit = range[0].charAt("/dev/rwd".length()) - '0';
                    long sector = f.partOffset() + pv.peStart() + pe * extent + within;
                    byte[] onDisk = readImage(Path.of(disks.get(unit).source().substring(5)), sector * 512);
                    assertArrayEquals(data, onDisk, dm + " LV sector " + lvSector + " -> wd" + unit + " sector "
                            + sector);
                }
                h.close();
            }
            if (f.name().equals("linear")) {
                LvmFixtures.Run d = LvmFixtures.lvm(disks, new KernelTransport(k), List.of("lvdisplay", "vg0/lv1"));
                assertEquals(0, d.rc(), d.err());
                assertTrue(d.out().contains("  LV Status              available\n  # open                 0\n"
                        + "  LV Size                4.00 MiB\n"), d.out());
                assertTrue(d.out().contains("  Read ahead sectors     auto\n  - currently set to     0\n"
                        + "  Block device           169:2\n   \n"), d.out());
            }
            LvmFixtures.Run down = LvmFixtures.lvm(disks, new KernelTransport(k), List.of("vgchange", "-an"));
            assertEquals("", down.err());
            assertEquals(0, down.rc());
            assertTrue(k.activeDmNames().isEmpty(), "devices left: " + k.activeDmNames());
            assertTrue(down.out().contains("0 logical volume(s) in volume group"), down.out());
        }
    }

    private static byte[] pattern(String s) {
        byte[] b = new byte[512];
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i++) {
            b[i] = i < t.length ? t[i] : (byte) (i * 7 + t.length);
        }
        return b;
    }

    private static byte[] readImage(Path img, long pos) throws IOException {
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(512);
            ch.read(b, pos);
            return b.array();
        }
    }
}
