package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.message;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.params;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.pattern;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/**
 * Why these targets exist, shown with flakey and error devices stacked under them
 * ({@code /dev/mapper/NAME} as a component): a multipath device keeps serving every byte while
 * a path fails and comes back, a mirror keeps serving after a leg dies, a snapshot keeps its
 * view while the origin under it is rewritten.
 */
class FaultInjectionTest {
    static final Set<String> ALL = Set.of("flakey", "multipath", "snapshot", "mirror");
    static final int SECTORS = 2048;

    /** Makes {@code name} (already created) a linear map of wd1d, or a device that fails every I/O. */
    static void path(DmTestSupport t, String name, boolean up) {
        t.reload(name, line(0, SECTORS, "flakey", "/dev/wd1d 0 " + (up ? "1 0" : "0 1")));
        assertEquals(Errno.NONE, t.herr());
        t.resume(name);
    }

    static String udev(DmTestSupport t, String path) {
        for (DmPdev p : t.k.deviceMapper().pdevs().snapshot()) {
            if (p.name().equals(path)) {
                return p.udevName();
            }
        }
        throw new AssertionError(path + " is not a pdev");
    }

    @Test
    void multipath_servesEveryByteWhileAPathFailsAndComesBack() throws Exception {
        try (DmTestSupport t = new DmTestSupport(ALL, false)) {
            byte[] data = pattern(42, SECTORS * 512);
            assertEquals(Errno.NONE, t.io("/dev/rwd1d", false, 0, data).error());
            t.up("p0", line(0, SECTORS, "flakey", "/dev/wd1d 0 1 0"));
            t.up("p1", line(0, SECTORS, "flakey", "/dev/wd1d 0 1 0"));
            t.up("mp", line(0, SECTORS, "multipath", "1 queue_if_no_path 0 1 1 round-robin 0 2 1 "
                    + "/dev/mapper/p0 1 /dev/mapper/p1 1"));
            String u0 = udev(t, "/dev/mapper/p0");
            String u1 = udev(t, "/dev/mapper/p1");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            ExecutorService ex = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> readers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    int id = r;
                    readers.add(ex.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            int blk = (id * 97 + i * 31) % (SECTORS - 8);
                            byte[] b = new byte[4096];
                            Buf bp = t.io("/dev/rmapper/mp", true, blk, b);
                            assertEquals(Errno.NONE, bp.error(), "read at " + blk);
                            for (int k = 0; k < b.length; k++) {
                                assertEquals(data[blk * 512 + k], b[k], "byte " + k + " at " + blk);
                            }
                            reads.incrementAndGet();
                        }
                        return null;
                    }));
                }
                long n0 = reads.get();
                path(t, "p0", false); // p0 now fails every I/O: the next I/O there fails the path
                await(() -> params(t, "mp", false).contains(u0 + " F 1"), t, "mp");
                path(t, "p0", true);
                assertEquals(Errno.NONE, message(t, "mp", 0, "reinstate_path " + u0));
                path(t, "p1", false);
                await(() -> params(t, "mp", false).contains(u1 + " F 1"), t, "mp");
                path(t, "p0", false); // both paths down: I/O queues (queue_if_no_path)
                await(() -> params(t, "mp", false).contains(u0 + " F 2"), t, "mp");
                path(t, "p1", true);
                assertEquals(Errno.NONE, message(t, "mp", 0, "reinstate_path " + u1)); // queued I/O resumes
                long n1 = reads.get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (reads.get() < n1 + 30 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                stop.set(true);
                for (Future<?> f : readers) {
                    f.get(20, TimeUnit.SECONDS);
                }
                assertTrue(reads.get() > n0, "reads went on");
                assertEquals("2 0 0 0 1 1 A 0 2 0 " + u0 + " F 2 " + u1 + " A 1", params(t, "mp", false));
            } finally {
                stop.set(true);
                ex.shutdownNow();
            }
        }
    }

    static void await(java.util.function.BooleanSupplier cond, DmTestSupport t, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(cond.getAsBoolean(), "status of " + name + ": " + params(t, name, false));
    }

    @Test
    void mirror_keepsServingAfterALegDies() {
        try (DmTestSupport t = new DmTestSupport(ALL, false)) {
            t.up("leg1", line(0, SECTORS, "flakey", "/dev/wd1d 0 1 0"));
            t.up("m", line(0, SECTORS, "mirror", "core 2 64 nosync 2 /dev/wd0d 0 /dev/mapper/leg1 0 1 handle_errors"));
            String u1 = udev(t, "/dev/mapper/leg1");
            byte[] a = pattern(1, 8192);
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", false, 100, a).error());
            path(t, "leg1", false); // the second leg dies
            byte[] b = pattern(2, 8192);
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", false, 100, b).error(), "the write survives on leg 0");
            assertEquals("2 0:3 " + u1 + " 31/32 1 AD 1 core", params(t, "m", false));
            for (int i = 0; i < 4; i++) {
                byte[] r = new byte[8192];
                assertEquals(Errno.NONE, t.io("/dev/mapper/m", true, 100, r).error());
                assertArrayEquals(b, r, "reads come from the surviving leg");
            }
            byte[] c = pattern(3, 512);
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", false, 1500, c).error());
            byte[] r = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/rwd0d", true, 1500, r).error());
            assertArrayEquals(c, r);
            // without handle_errors the leg is still marked D, and reads still avoid it
            t.up("leg2", line(0, SECTORS, "flakey", "/dev/wd1a 0 0 1"));
            t.up("n", line(0, SECTORS, "mirror", "core 2 64 nosync 2 /dev/wd0a 0 /dev/mapper/leg2 0"));
            assertEquals(Errno.NONE, t.io("/dev/mapper/n", false, 0, c).error());
            assertTrue(params(t, "n", false).contains(" 1 AD 1 core"), params(t, "n", false));
            assertEquals(Errno.NONE, t.io("/dev/mapper/n", true, 0, r).error());
            assertArrayEquals(c, r);
        }
    }

    @Test
    void snapshotOverDmDevices_keepsItsViewWhileTheOriginIsRewritten() {
        try (DmTestSupport t = new DmTestSupport(ALL, false)) {
            t.up("base", line(0, SECTORS, "flakey", "/dev/wd0d 0 1 0"));
            t.up("cow", line(0, SECTORS, "flakey", "/dev/wd1d 0 1 0"));
            t.up("origin", line(0, SECTORS, "snapshot-origin", "/dev/mapper/base"));
            byte[] before = pattern(5, SECTORS * 512);
            assertEquals(Errno.NONE, t.io("/dev/mapper/origin", false, 0, before).error());
            t.up("snap", line(0, SECTORS, "snapshot", "/dev/mapper/base /dev/mapper/cow P 16"));
            for (int i = 0; i < 4; i++) {
                assertEquals(Errno.NONE, t.io("/dev/mapper/origin", false, i * 300L, pattern(60 + i, 8192)).error());
            }
            byte[] r = new byte[SECTORS * 512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/snap", true, 0, r).error());
            assertArrayEquals(before, r, "the snapshot still shows the origin as it was");
            // the COW device dies: the snapshot becomes invalid, the origin keeps working
            path(t, "cow", false);
            assertEquals(Errno.NONE, t.io("/dev/mapper/origin", false, 1800, pattern(70, 512)).error());
            assertEquals("Invalid", params(t, "snap", false));
            assertEquals(Errno.EIO, t.io("/dev/mapper/snap", true, 0, new byte[512]).error());
            byte[] o = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/origin", true, 1800, o).error());
            assertArrayEquals(pattern(70, 512), o);
        }
    }
}
