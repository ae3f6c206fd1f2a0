package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.params;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.pattern;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskSpec;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mirror: params errors, Linux's table/status strings, resync, disk log layout, leg failure. */
class DmTargetMirrorTest {
    static final List<DiskSpec> DISKS = List.of(new DiskSpec("wd0", "mem:8M", 512), new DiskSpec("wd1", "mem:8M", 512),
            new DiskSpec("wd2", "mem:1M", 512), new DiskSpec("sd0", "mem:8M", 4096));

    @AfterEach
    void resetRate() {
        System.clearProperty("dmemu.mirror.resync-rate");
    }

    static byte[] read(DmTestSupport t, String dev, long blk, int n) {
        byte[] b = new byte[n];
        assertEquals(Errno.NONE, t.io(dev, true, blk, b).error(), dev + " read");
        return b;
    }

    /** Waits (bounded) until the mirror's status shows every region in sync. */
    static String awaitInSync(DmTestSupport t, String name, String total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String s = params(t, name, false);
        while (!s.contains(" " + total + "/" + total + " ") && System.nanoTime() < deadline) {
            Thread.sleep(5);
            s = params(t, name, false);
        }
        return s;
    }

    @Test
    void badParams_linuxErrors() {
        try (DmTestSupport t = new DmTestSupport(DISKS, Set.of("mirror"))) {
            t.create("m");
            String[] bad = {
                "core", "core x 1024 2 /dev/wd0d 0 /dev/wd1d 0", "core 3 1024 2 /dev/wd0d", "frob 1 1024 2 /dev/wd0d 0 /dev/wd1d 0",
                "core 0 2 /dev/wd0d 0 /dev/wd1d 0", "core 1 1000 2 /dev/wd0d 0 /dev/wd1d 0",
                "core 1 1 2 /dev/wd0d 0 /dev/wd1d 0", "core 1 4096 2 /dev/wd0d 0 /dev/wd1d 0",
                "core 2 1024 maybe 2 /dev/wd0d 0 /dev/wd1d 0", "disk 1 /dev/wd2d 2 /dev/wd0d 0 /dev/wd1d 0",
                "core 1 1024 1 /dev/wd0d 0", "core 1 1024 10 /dev/wd0d 0", "core 1 1024 2 /dev/wd0d 0 /dev/wd1d",
                "core 1 1024 2 /dev/wd0d x /dev/wd1d 0", "core 1 1024 2 /dev/wd0d 0 /dev/wd1d 0 1 frob",
                "core 1 1024 2 /dev/wd0d 0 /dev/wd1d 0 2 handle_errors", "core 1 1024 2 /dev/wd0d 0 /dev/wd1d 0 1 keep_log",
                "core 1 1024 2 /dev/wd0d 0 /dev/wd1d 0 1 handle_errors extra",
            };
            for (String p : bad) {
                t.reload("m", line(0, 2048, "mirror", p));
                assertEquals(Errno.EINVAL, t.herr(), p);
            }
            t.reload("m", line(0, 2048, "mirror", "core 1 1024 2 /dev/wd0d 0 /dev/wd9d 0"));
            assertEquals(Errno.ENOENT, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty(), "failed loads release their pdevs");
        }
    }

    @Test
    void nosync_statusAndTable_asLinux() {
        try (DmTestSupport t = new DmTestSupport(DISKS, Set.of("mirror"))) {
            t.up("m", line(0, 16384, "mirror", "core 2 16 nosync 2 /dev/wd0d 0 /dev/wd1d 0"));
            assertEquals("2 0:3 0:19 1024/1024 1 AA 1 core", params(t, "m", false));
            assertEquals("core 2 16 nosync 2 0:3 0 0:19 0", params(t, "m", true));
            t.up("h", line(0, 1024, "mirror", "core 1 512 2 /dev/wd0a 100 /dev/wd1a 200 2 handle_errors keep_log"));
            assertEquals("core 1 512 2 0:0 100 0:16 200 2 handle_errors keep_log", params(t, "h", true));
            byte[] w = pattern(4, 2048);
            assertEquals(Errno.NONE, t.io("/dev/mapper/m", false, 64, w).error());
            assertArrayEquals(w, read(t, "/dev/rwd0d", 64, 2048), "leg 0");
            assertArrayEquals(w, read(t, "/dev/rwd1d", 64, 2048), "leg 1");
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(w, read(t, "/dev/mapper/m", 64, 2048));
            }
        }
    }

    @Test
    void resync_copiesLeg0_withIoMeanwhile_legsEndIdentical() throws Exception {
        System.setProperty("dmemu.mirror.resync-rate", "8192"); // 128 regions of 64 sectors a second
        try (DmTestSupport t = new DmTestSupport(DISKS, Set.of("mirror"))) {
            byte[] base = pattern(7, 2048 * 512);
            assertEquals(Errno.NONE, t.io("/dev/rwd0d", false, 0, base).error());
            t.up("m", line(0, 2048, "mirror", "core 1 64 2 /dev/wd0d 0 /dev/wd1d 0"));
            String early = params(t, "m", false);
            assertTrue(early.matches("2 0:3 0:19 \\d+/32 1 AA 1 core") && !early.contains(" 32/32 "), early);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService ex = Executors.newFixedThreadPool(2);
            try {
                Future<?> writer = ex.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        byte[] b = pattern(100 + i, 4096);
                        long blk = (i * 136L) % 2040;
                        assertEquals(Errno.NONE, t.io("/dev/rmapper/m", false, blk, b).error());
                        assertArrayEquals(b, read(t, "/dev/rmapper/m", blk, 4096), "read back during resync");
                    }
                    return null;
                });
                String done = awaitInSync(t, "m", "32");
                stop.set(true);
                writer.get(20, TimeUnit.SECONDS);
                assertEquals("2 0:3 0:19 32/32 1 AA 1 core", done);
            } finally {
                ex.shutdownNow();
            }
            assertArrayEquals(read(t, "/dev/rwd0d", 0, 2048 * 512), read(t, "/dev/rwd1d", 0, 2048 * 512),
                    "both legs hold the same bytes");
        }
    }

    @Test
    void diskLog_linuxLayout_andRestartResyncsOnlyDirtyRegions() throws Exception {
        System.setProperty("dmemu.mirror.resync-rate", "1000000");
        try (DmTestSupport t = new DmTestSupport(DISKS, Set.of("mirror"))) {
            t.up("m", line(0, 2048, "mirror", "disk 2 /dev/wd2d 64 2 /dev/wd0d 0 /dev/wd1d 0"));
            assertEquals("disk 2 0:35 64 2 0:3 0 0:19 0", params(t, "m", true));
            assertEquals("2 0:3 0:19 32/32 1 AA 3 disk 0:35 A", awaitInSync(t, "m", "32"));
            byte[] hdr = read(t, "/dev/rwd2d", 0, 1536);
            assertArrayEquals(new byte[] {0x72, 0x52, 0x69, 0x4D, 2, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0},
                    Arrays.copyOf(hdr, 16), "MiRr magic (LE), version 2, nr_regions 32");
            assertArrayEquals(new byte[] {-1, -1, -1, -1, 0}, Arrays.copyOfRange(hdr, 1024, 1029), "all regions clean");
            t.call(req("remove", "name", "m", "flags", 0));
            // region 5 was being written when "the daemon stopped": its clean bit is 0 on disk
            hdr[1024] = (byte) 0xdf;
            assertEquals(Errno.NONE, t.io("/dev/rwd2d", false, 0, hdr).error());
            assertEquals(Errno.NONE, t.io("/dev/rwd1d", false, 5 * 64, new byte[512]).error());
            assertEquals(Errno.NONE, t.io("/dev/rwd0d", false, 5 * 64, pattern(9, 512)).error());
            t.create("m");
            t.reload("m", line(0, 2048, "mirror", "disk 2 /dev/wd2d 64 2 /dev/wd0d 0 /dev/wd1d 0"));
            var inactive = t.call(req("status", "name", "m", "flags", 0x1000)); // DM_QUERY_INACTIVE_TABLE_FLAG
            assertEquals("2 0:3 0:19 31/32 1 AA 3 disk 0:35 A",
                    ((org.dmemu.proplib.PropDictionary) inactive.getArray("cmd_data").get(0)).getString("params"),
                    "loaded, before resume: only region 5 is out of sync");
            t.resume("m");
            awaitInSync(t, "m", "32");
            assertArrayEquals(pattern(9, 512), read(t, "/dev/rwd1d", 5 * 64, 512), "region 5 resynchronised");
            t.up("s", line(0, 2048, "mirror", "disk 3 /dev/wd2a 64 sync 2 /dev/wd0a 0 /dev/wd1a 0"));
            assertEquals("disk 3 0:32 64 sync 2 0:0 0 0:16 0", params(t, "s", true));
        }
    }
}
