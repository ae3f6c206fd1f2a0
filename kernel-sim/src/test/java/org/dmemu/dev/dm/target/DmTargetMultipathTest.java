package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** multipath: params errors, Linux's table/status strings, messages, fail-over and queueing. */
class DmTargetMultipathTest {
    static String params(DmTestSupport t, String name, boolean table) {
        PropDictionary r = t.call(req(table ? "table" : "status", "name", name, "flags", table ? 0x10 : 0));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    static Errno message(DmTestSupport t, String name, long sector, String msg) {
        t.call(req("message", "name", name, "flags", 0, "sector", sector, "message", msg));
        return t.herr();
    }

    static byte[] pattern(int seed, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    @Test
    void badParams_linuxErrors() {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            t.create("m");
            String[][] cases = {
                {"9 a b c d e f g h i 0 0 0", "invalid number of feature args"},
                {"1 bogus 0 0 0", "Unrecognised multipath feature request"},
                {"0 1 foo 0 0", "unknown hardware handler type"},
                {"0 0 1 0", "invalid initial priority group"},
                {"0 0 0 1", "invalid initial priority group"},
                {"0 0 1 1 fancy 0 1 0 /dev/wd1a", "unknown path selector type"},
                {"0 0 1 1 round-robin 0 0 0", "invalid number of paths"},
                {"0 0 1 1 round-robin 0 2 1 /dev/wd1a 1", "not enough path parameters"},
                {"0 0 1 1 round-robin 0 1 2 /dev/wd1a 1 2", "round-robin ps: incorrect number of arguments"},
                {"0 0 1 1 round-robin 0 1 1 /dev/wd1a x", "round-robin ps: invalid repeat count"},
                {"0 0 1 1 service-time 0 1 2 /dev/wd1a 1 101", "service-time ps: invalid relative_throughput value"},
                {"0 0 2 1 round-robin 0 1 0 /dev/wd1a", "priority group count mismatch"},
                {"0 0 1 1 round-robin", "not enough priority group arguments"},
            };
            for (String[] c : cases) {
                t.reload("m", line(0, 64, "multipath", c[0]));
                assertEquals(Errno.EINVAL, t.herr(), c[0]);
            }
            t.reload("m", line(0, 64, "multipath", "0 0 1 1 round-robin 0 1 0 /dev/wd9a"));
            assertEquals(Errno.ENOENT, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty(), "failed loads release their pdevs");
        }
    }

    @Test
    void tableAndStatus_asLinuxDocuments() {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            // Documentation/admin-guide/device-mapper/dm-queue-length.rst and dm-service-time.rst
            t.up("q", line(0, 10, "multipath", "0 0 1 1 queue-length 0 2 1 /dev/wd0d 128 /dev/wd1d 128"));
            assertEquals("0 0 1 1 queue-length 0 2 1 0:3 128 0:19 128", params(t, "q", true));
            assertEquals("2 0 0 0 1 1 E 0 2 1 0:3 A 0 0 0:19 A 0 0", params(t, "q", false));
            t.up("s", line(0, 10, "multipath", "0 0 1 1 service-time 0 2 2 /dev/wd0d 128 2 /dev/wd1d 128 1"));
            assertEquals("0 0 1 1 service-time 0 2 2 0:3 128 2 0:19 128 1", params(t, "s", true));
            assertEquals("2 0 0 0 1 1 E 0 2 2 0:3 A 0 0 2 0:19 A 0 0 1", params(t, "s", false));
            t.up("r", line(0, 10, "multipath", "2 queue_if_no_path retain_attached_hw_handler 1 alua 2 2 "
                    + "round-robin 0 1 1 /dev/wd0d 1 round-robin 0 1 0 /dev/wd1d"));
            assertEquals("2 queue_if_no_path retain_attached_hw_handler 1 alua 2 2 round-robin 0 1 1 0:3 1 "
                    + "round-robin 0 1 1 0:19 1", params(t, "r", true));
            assertEquals("2 0 0 0 2 2 E 0 1 0 0:3 A 0 E 0 1 0 0:19 A 0", params(t, "r", false));
            t.io("/dev/mapper/r", true, 0, new byte[512]);
            assertEquals("2 0 0 0 2 2 E 0 1 0 0:3 A 0 A 0 1 0 0:19 A 0", params(t, "r", false),
                    "the initial group 2 became the current group");
            t.up("n", line(0, 10, "multipath", "2 no_path_retry 3 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            assertEquals("3 queue_if_no_path no_path_retry 3 0 1 1 round-robin 0 1 1 0:19 1", params(t, "n", true));
        }
    }

    @Test
    void messages_failReinstateSwitch() {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            t.up("m", line(0, 64, "multipath", "0 0 2 1 round-robin 0 2 1 /dev/wd0d 1 /dev/wd1d 1 "
                    + "round-robin 0 1 1 /dev/wd1a 1"));
            assertEquals(Errno.NONE, message(t, "m", 0, "fail_path 0:3"));
            assertEquals(Errno.NONE, message(t, "m", 0, "fail_path /dev/wd1d"));
            assertEquals("2 0 0 0 2 1 E 0 2 0 0:3 F 1 0:19 F 1 E 0 1 0 0:16 A 0", params(t, "m", false));
            assertEquals(Errno.NONE, message(t, "m", 0, "reinstate_path 0:3"));
            assertEquals(Errno.NONE, message(t, "m", 0, "disable_group 1"));
            assertEquals(Errno.NONE, message(t, "m", 0, "switch_group 2"));
            assertEquals("2 0 0 0 2 2 E 0 2 0 0:3 A 1 0:19 F 1 E 0 1 0 0:16 A 0", params(t, "m", false));
            for (String bad : new String[] {"switch_group 3", "switch_group 0", "fail_path 9:9", "frob", "frob 1",
                "fail_path", "reinstate_path a b"}) {
                assertEquals(Errno.EINVAL, message(t, "m", 0, bad), bad);
            }
            assertEquals(Errno.EINVAL, message(t, "m", 64, "fail_if_no_path"), "no entry at sector 64");
            assertEquals(Errno.NONE, message(t, "m", 63, "fail_if_no_path"));
            t.call(req("message", "name", "nosuch", "flags", 0, "message", "fail_if_no_path"));
            assertEquals(Errno.ENOENT, t.herr());
            t.call(req("message", "name", "m", "flags", 0));
            assertEquals(Errno.EINVAL, t.herr(), "no message string");
            t.up("z", line(0, 8, "zero", ""));
            assertEquals(Errno.EINVAL, message(t, "z", 0, "queue_if_no_path"), "zero has no message hook");
        }
    }

    @Test
    void messageCommand_unknownWithoutMultipath() {
        try (DmTestSupport t = new DmTestSupport(Set.of("flakey"), false)) {
            t.up("z", line(0, 8, "zero", ""));
            assertEquals(Errno.EINVAL, message(t, "z", 0, "queue_if_no_path"));
            PropDictionary r = t.call(req("message", "name", "nosuch", "flags", 0, "message", "x"));
            assertEquals(Errno.EINVAL, t.herr(), "NetBSD: unknown command, not a lookup");
            assertEquals(0L, r.getUint32("flags").orElse(-1), "reply = the request (flags 0)");
        }
    }

    @Test
    void roundRobin_spreadsAndFailedPathsAreSkipped() {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            // both paths show the same data: wd1d and wd1a cover the same sectors (no label)
            t.up("m", line(0, 1024, "multipath", "0 0 1 1 round-robin 0 2 1 /dev/wd1d 2 /dev/wd1a 2"));
            byte[] w = pattern(3, 4096);
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", false, 100, w).error());
            for (int i = 0; i < 6; i++) {
                byte[] r = new byte[4096];
                assertEquals(Errno.NONE, t.io("/dev/mapper/m", true, 100, r).error());
                assertArrayEquals(w, r);
            }
            assertEquals(Errno.NONE, message(t, "m", 0, "fail_path 0:19"));
            byte[] r = new byte[4096];
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", true, 100, r).error());
            assertArrayEquals(w, r);
            assertEquals("2 0 0 0 1 1 A 0 2 0 0:19 F 1 0:16 A 0", params(t, "m", false));
        }
    }

    @Test
    void noPath_failsWithoutQueueing_andNoPathRetryCountsAttempts() {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            t.up("m", line(0, 64, "multipath", "0 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            message(t, "m", 0, "fail_path 0:19");
            Buf b = t.io("/dev/mapper/m", true, 0, new byte[512]);
            assertEquals(Errno.EIO, b.error());
            assertEquals(512, b.resid());
            t.up("n", line(0, 64, "multipath", "2 no_path_retry 0 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            message(t, "n", 0, "fail_path 0:19");
            assertEquals(Errno.EIO, t.io("/dev/mapper/n", true, 0, new byte[512]).error());
        }
    }

    @Test
    void queuedIo_resumesWhenAPathIsReinstated() throws Exception {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            t.up("m", line(0, 1024, "multipath", "1 queue_if_no_path 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            byte[] w = pattern(9, 2048);
            assertEquals(Errno.NONE, t.io("/dev/rwd1d", false, 200, w).error());
            message(t, "m", 0, "fail_path 0:19");
            var mp = ((DmTargetMultipath.Config) t.k.deviceMapper().devs().lookup("m", null, 0).tableHead().active()
                    .entries().get(0).config()).m();
            ExecutorService ex = Executors.newFixedThreadPool(3);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Future<?>[] f = new Future<?>[3];
                byte[][] got = new byte[3][2048];
                for (int i = 0; i < 3; i++) {
                    int k = i;
                    f[i] = ex.submit(() -> {
                        go.await();
                        return t.io("/dev/rmapper/m", true, 200, got[k]); // raw node: block nodes open once
                    });
                }
                go.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (mp.queued() < 3 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(3, mp.queued(), "all three bufs queued");
                for (Future<?> x : f) {
                    assertFalse(x.isDone());
                }
                assertEquals(Errno.NONE, message(t, "m", 0, "reinstate_path 0:19"));
                for (int i = 0; i < 3; i++) {
                    Buf b = (Buf) f[i].get(10, TimeUnit.SECONDS);
                    assertEquals(Errno.NONE, b.error());
                    assertArrayEquals(w, got[i]);
                }
                // queued again, then released by fail_if_no_path with EIO
                message(t, "m", 0, "fail_path 0:19");
                Future<?> g = ex.submit(() -> t.io("/dev/rmapper/m", true, 200, new byte[512]));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (mp.queued() < 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(Errno.NONE, message(t, "m", 0, "fail_if_no_path"));
                assertEquals(Errno.EIO, ((Buf) g.get(10, TimeUnit.SECONDS)).error());
                // a suspend (without noflush) releases queued I/O, as Linux's presuspend does
                message(t, "m", 0, "queue_if_no_path");
                Future<?> h = ex.submit(() -> t.io("/dev/rmapper/m", true, 200, new byte[512]));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (mp.queued() < 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                t.call(req("suspend", "name", "m", "flags", 0));
                assertEquals(Errno.NONE, t.herr());
                assertEquals(Errno.EIO, ((Buf) h.get(10, TimeUnit.SECONDS)).error());
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    void noPathRetry_queuesNBufs_thenFailsThemAll() throws Exception {
        try (DmTestSupport t = new DmTestSupport(Set.of("multipath"), false)) {
            t.up("m", line(0, 1024, "multipath", "2 no_path_retry 2 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            message(t, "m", 0, "fail_path 0:19");
            var mp = ((DmTargetMultipath.Config) t.k.deviceMapper().devs().lookup("m", null, 0).tableHead().active()
                    .entries().get(0).config()).m();
            ExecutorService ex = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = ex.submit(() -> t.io("/dev/rmapper/m", true, 0, new byte[512]));
                Future<?> b = ex.submit(() -> t.io("/dev/rmapper/m", true, 8, new byte[512]));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (mp.queued() < 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(2, mp.queued(), "attempts 1 and 2 are queued");
                assertEquals("3 queue_if_no_path no_path_retry 2 0 1 1 round-robin 0 1 1 0:19 1", params(t, "m", true));
                Buf c = t.io("/dev/rmapper/m", true, 16, new byte[512]);
                assertEquals(Errno.EIO, c.error(), "attempt 3 switches queueing off");
                assertEquals(Errno.EIO, ((Buf) a.get(10, TimeUnit.SECONDS)).error());
                assertEquals(Errno.EIO, ((Buf) b.get(10, TimeUnit.SECONDS)).error());
                assertEquals("2 no_path_retry 2 0 1 1 round-robin 0 1 1 0:19 1", params(t, "m", true));
                assertEquals(Errno.NONE, message(t, "m", 0, "reinstate_path 0:19"));
                assertEquals("3 queue_if_no_path no_path_retry 2 0 1 1 round-robin 0 1 1 0:19 1", params(t, "m", true),
                        "a path back: queueing on again");
                assertEquals(Errno.NONE, t.io("/dev/rmapper/m", true, 0, new byte[512]).error());
            } finally {
                ex.shutdownNow();
            }
        }
    }

    static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
