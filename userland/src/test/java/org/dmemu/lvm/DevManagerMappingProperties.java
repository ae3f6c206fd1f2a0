package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.dmemu.dev.dm.target.DmTargetStripe;
import org.dmemu.libdevmapper.DmTask;

/**
 * The tables {@link DevManager#table} builds, read back the way the kernel's linear and
 * striped targets map sectors, send the LV's sectors one-to-one onto exactly the physical
 * extents the metadata allocates to it: every LV sector lands inside its segment's area
 * extents, no two LV sectors land on the same device sector, and the lines tile the LV.
 */
class DevManagerMappingProperties {

    /** A device that only has names. */
    private static PvDevice dev(int unit) {
        return new PvDevice() {
            @Override
            public String name() {
                return "/dev/rwd" + unit + "a";
            }

            @Override
            public String blockName() {
                return "/dev/wd" + unit + "a";
            }

            @Override
            public long size() {
                return Long.MAX_VALUE;
            }

            @Override
            public boolean read(long pos, byte[] b, int off, int len) {
                return false;
            }
        };
    }

    @Property(tries = 300)
    void tablesMapTheLvOntoItsExtents(@ForAll @IntRange(min = 3, max = 6) int extentShift,
                                      @ForAll @IntRange(min = 1, max = 4) int pvCount,
                                      @ForAll @IntRange(min = 1, max = 3) int segCount,
                                      @ForAll long seed) throws LvmFormatException {
        Random r = new Random(seed);
        long extent = 1L << extentShift;
        List<VgMetadata.Pv> pvs = new ArrayList<>();
        List<PvDevice> devs = new ArrayList<>();
        long[] nextFree = new long[pvCount];
        for (int i = 0; i < pvCount; i++) {
            pvs.add(new VgMetadata.Pv("pv" + i, "x".repeat(32), "", 0, 8L * (1 + r.nextInt(300)), 1000,
                    List.of("ALLOCATABLE")));
            devs.add(dev(i));
            nextFree[i] = r.nextInt(5);
        }
        List<VgMetadata.Segment> segs = new ArrayList<>();
        long le = 0;
        for (int s = 0; s < segCount; s++) {
            int stripes = 1 + r.nextInt(pvCount);
            long stripeSize = stripes == 1 ? 0 : 1L << r.nextInt(extentShift + 1);
            long perArea = 1 + r.nextInt(4);
            List<VgMetadata.Area> areas = new ArrayList<>();
            for (int a = 0; a < stripes; a++) {
                int pv = (s + a) % pvCount;
                areas.add(new VgMetadata.Area("pv" + pv, nextFree[pv]));
                nextFree[pv] += perArea + r.nextInt(3);
            }
            segs.add(new VgMetadata.Segment(le, perArea * stripes, "striped", stripeSize, areas));
            le += perArea * stripes;
        }
        VgMetadata.Lv lv = new VgMetadata.Lv("lv", "y".repeat(32), List.of("READ", "WRITE", "VISIBLE"), segs, null,
                -1);
        VgMetadata vg = new VgMetadata("vg", "z".repeat(32), 1, List.of("WRITE"), extent, pvs, List.of(lv));
        List<DmTask.Target> table = DevManager.table(new LvmScan.VolumeGroup(vg, devs), lv);

        long expectStart = 0;
        for (DmTask.Target t : table) {
            assertEquals(expectStart, t.start(), "lines tile the LV");
            expectStart += t.length();
        }
        assertEquals(le * extent, expectStart);

        Set<String> seen = new HashSet<>();
        for (long x = 0; x < le * extent; x++) {
            String[] hit = map(table, x);
            String physical = hit[0] + ":" + hit[1];
            assertTrue(seen.add(physical), "two LV sectors on " + physical);
            VgMetadata.Segment seg = segs.get(segmentOf(segs, x / extent));
            boolean inside = false;
            for (VgMetadata.Area a : seg.areas()) {
                VgMetadata.Pv pv = vg.pv(a.pvKey());
                long lo = pv.peStart() + a.pe() * extent;
                long hi = lo + seg.areaLen() * extent;
                long sec = Long.parseLong(hit[1]);
                inside |= hit[0].equals("/dev/wd" + a.pvKey().substring(2) + "a") && sec >= lo && sec < hi;
            }
            assertTrue(inside, "LV sector " + x + " -> " + physical + " outside its segment's extents");
        }
    }

    private static int segmentOf(List<VgMetadata.Segment> segs, long le) {
        for (int i = 0; i < segs.size(); i++) {
            VgMetadata.Segment s = segs.get(i);
            if (le >= s.startExtent() && le < s.startExtent() + s.extentCount()) {
                return i;
            }
        }
        throw new AssertionError("no segment for extent " + le);
    }

    /** The device and sector the table sends LV sector {@code x} to, as dm's targets compute it. */
    private static String[] map(List<DmTask.Target> table, long x) {
        for (DmTask.Target t : table) {
            if (x < t.start() || x >= t.start() + t.length()) {
                continue;
            }
            String[] w = t.params().trim().split(" +");
            long rel = x - t.start();
            if (t.type().equals("linear")) {
                assertTrue(t.params().startsWith(" "), "linear params start with a space");
                return new String[] {w[0], String.valueOf(Long.parseLong(w[1]) + rel)};
            }
            int count = Integer.parseInt(w[0]);
            long chunk = Long.parseLong(w[1]);
            long[] m = DmTargetStripe.mapSector(rel, count, chunk);
            int i = (int) m[0];
            return new String[] {w[2 + 2 * i], String.valueOf(Long.parseLong(w[3 + 2 * i]) + m[1])};
        }
        throw new AssertionError("sector " + x + " not in the table");
    }
}
