package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.dmemu.dev.dm.target.DmTargetStripe;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Mapping math of the targets as properties. */
class DmMappingProperties {
    private static DmTestSupport t;

    @BeforeContainer
    static void boot() {
        t = new DmTestSupport();
        t.up("lin", line(0, 4096, "linear", "/dev/wd1a 1000"));
        t.up("zero", line(0, 4096, "zero", ""));
        t.up("err", line(0, 4096, "error", ""));
        t.up("mix", line(0, 1000, "linear", "/dev/wd0d 0"), line(1000, 1000, "striped", "3 7 /dev/wd0a 2000 /dev/wd1a 6000 /dev/wd0a 9000"),
                line(2000, 96, "zero", ""));
    }

    @AfterContainer
    static void shutdown() {
        t.close();
    }

    @Property(tries = 300)
    void linearReadAtXEqualsPdevReadAtXPlusOffset(@ForAll @IntRange(min = 0, max = 4000) int x,
                                                   @ForAll @IntRange(min = 1, max = 96) int sectors,
                                                   @ForAll long seed) {
        byte[] w = new byte[sectors * 512];
        new Random(seed).nextBytes(w);
        assertEquals(Errno.NONE, t.io("/dev/wd1a", false, x + 1000L, w).error());
        byte[] r = new byte[w.length];
        Buf bp = t.io("/dev/mapper/lin", true, x, r);
        assertEquals(Errno.NONE, bp.error());
        assertArrayEquals(w, r);
    }

    @Property(tries = 200)
    void stripeMappingIsABijection(@ForAll @IntRange(min = 1, max = 8) int count,
                                   @ForAll @IntRange(min = 1, max = 64) int chunk,
                                   @ForAll @IntRange(min = 1, max = 2000) int sectors) {
        Set<Long> seen = new HashSet<>();
        for (long b = 0; b < sectors; b++) {
            long[] m = DmTargetStripe.mapSector(b, count, chunk);
            assertTrue(m[0] >= 0 && m[0] < count);
            assertTrue(m[2] >= 1 && m[2] <= chunk);
            long rowBase = (b / chunk / count) * chunk;
            assertTrue(m[1] >= rowBase && m[1] < rowBase + chunk);
            assertTrue(seen.add(m[0] << 40 | m[1]), "two sectors map to stripe " + m[0] + " block " + m[1]);
        }
    }

    @Property(tries = 200)
    void zeroReadsZeros(@ForAll @IntRange(min = 0, max = 4095) int x, @ForAll @IntRange(min = 1, max = 64) int sectors,
                        @ForAll byte fill) {
        int n = Math.min(sectors, 4096 - x);
        byte[] r = new byte[n * 512];
        java.util.Arrays.fill(r, fill);
        Buf bp = t.io("/dev/mapper/zero", true, x, r);
        assertEquals(Errno.NONE, bp.error());
        assertEquals(0, bp.resid());
        assertArrayEquals(new byte[r.length], r);
    }

    @Property(tries = 200)
    void errorGivesEIO(@ForAll @IntRange(min = 0, max = 4095) int x, @ForAll @IntRange(min = 1, max = 64) int sectors,
                       @ForAll boolean read) {
        int n = Math.min(sectors, 4096 - x);
        Buf bp = t.io("/dev/mapper/err", read, x, new byte[n * 512]);
        assertEquals(Errno.EIO, bp.error());
        assertEquals(n * 512, bp.resid());
    }

    @Property(tries = 300)
    void anyInRangeBufEndsWithResidZero(@ForAll @IntRange(min = 0, max = 2095) int x,
                                        @ForAll @IntRange(min = 1, max = 256) int sectors, @ForAll boolean read) {
        int n = Math.min(sectors, 2096 - x);
        Buf bp = t.io("/dev/mapper/mix", read, x, new byte[n * 512]);
        assertEquals(Errno.NONE, bp.error());
        assertEquals(0, bp.resid());
        assertEquals(n * 512, bp.bcount());
    }
}
