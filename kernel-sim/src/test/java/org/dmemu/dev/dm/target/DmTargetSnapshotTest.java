package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.params;
import static org.dmemu.dev.dm.target.DmTargetMultipathTest.pattern;
import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskSpec;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** snapshot-origin + snapshot: params, COW semantics, Linux's on-disk layout, invalidation, concurrency. */
class DmTargetSnapshotTest {
    static final String ORIGIN = "/dev/mapper/origin";
    static final String SNAP = "/dev/mapper/snap";

    /** origin over wd0d (16384 sectors); snapshot of it with COW wd1d. */
    static void setUp(DmTestSupport t, String store, int chunk) {
        t.up("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
        takeSnapshot(t, "snap", store, chunk);
    }

    /** suspend origin → create + load + resume the snapshot → reload + resume origin. */
    static void takeSnapshot(DmTestSupport t, String name, String store, int chunk) {
        t.call(req("suspend", "name", "origin", "flags", 0));
        t.up(name, line(0, 16384, "snapshot", "/dev/wd0d /dev/wd1d " + store + " " + chunk));
        t.reload("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
        assertEquals(Errno.NONE, t.herr());
        t.resume("origin");
    }

    static byte[] read(DmTestSupport t, String dev, long blk, int n) {
        byte[] b = new byte[n];
        assertEquals(Errno.NONE, t.io(dev, true, blk, b).error(), dev + " read");
        return b;
    }

    static void write(DmTestSupport t, String dev, long blk, byte[] b) {
        assertEquals(Errno.NONE, t.io(dev, false, blk, b).error(), dev + " write");
    }

    @Test
    void badParams_linuxErrors() {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot"), false)) {
            t.create("s");
            String[][] cases = {
                {"snapshot", "/dev/wd0d /dev/wd1d P"},
                {"snapshot", "/dev/wd0d /dev/wd0d P 8"},
                {"snapshot", "/dev/wd0d /dev/wd1d X 8"},
                {"snapshot", "/dev/wd0d /dev/wd1d P 12"},
                {"snapshot", "/dev/wd0d /dev/wd1d P -8"},
                {"snapshot", "/dev/wd0d /dev/wd1d P 8x"},
                {"snapshot", "/dev/wd0d /dev/wd1d N 0"},
                {"snapshot", "/dev/wd0d /dev/wd1d P 0"},
                {"snapshot", "/dev/wd0d /dev/sd0d P 4"},
                {"snapshot", "/dev/wd0d /dev/wd1d P 8 1 discard_zeroes_cow"},
                {"snapshot", "/dev/wd0d /dev/wd1d P 8 3 a b c"},
                {"snapshot-origin", "/dev/wd0d /dev/wd1d"},
                {"snapshot-origin", ""},
            };
            for (String[] c : cases) {
                t.reload("s", line(0, 64, c[0], c[1]));
                assertEquals(Errno.EINVAL, t.herr(), c[0] + " " + c[1]);
            }
            t.reload("s", line(0, 64, "snapshot", "/dev/wd9d /dev/wd1d P 8"));
            assertEquals(Errno.ENOENT, t.herr());
            t.reload("s", line(0, 64, "snapshot", "/dev/wd0d /dev/wd9d P 8"));
            assertEquals(Errno.ENOENT, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty(), "failed loads release their pdevs");
            byte[] junk = new byte[512];
            junk[0] = 1;
            write(t, "/dev/rwd1d", 0, junk);
            t.reload("s", line(0, 64, "snapshot", "/dev/wd0d /dev/wd1d P 8"));
            assertEquals(Errno.ENXIO, t.herr(), "a header that is not SnAp");
        }
    }

    @Test
    void pointInTimeView_statusTable_andLinuxOnDiskLayout() {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot"), false)) {
            t.up("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
            byte[] a = pattern(1, 4096);
            write(t, ORIGIN, 96, a);
            takeSnapshot(t, "snap", "P", 8);
            assertEquals("0:3 0:19 P 8", params(t, "snap", true));
            assertEquals("0:3", params(t, "origin", true));
            assertEquals("", params(t, "origin", false));
            assertEquals("16/16384 16", params(t, "snap", false), "header + area 0 allocated, nothing copied");
            byte[] b = pattern(2, 1024);
            write(t, ORIGIN, 100, b); // inside chunk 12 (sectors 96..103)
            assertArrayEquals(a, read(t, SNAP, 96, 4096), "the snapshot still shows the data as of its creation");
            byte[] now = a.clone();
            System.arraycopy(b, 0, now, 4 * 512, 1024);
            assertArrayEquals(now, read(t, ORIGIN, 96, 4096));
            assertEquals("24/16384 16", params(t, "snap", false));
            // Linux's layout on the COW device: header, area 0 at chunk 1, the copy at chunk 2
            byte[] hdr = read(t, "/dev/rwd1d", 0, 512);
            assertArrayEquals(new byte[] {'S', 'n', 'A', 'p', 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0},
                    Arrays.copyOf(hdr, 16));
            byte[] area = read(t, "/dev/rwd1d", 8, 512);
            assertArrayEquals(new byte[] {12, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(area, 16));
            assertArrayEquals(new byte[16], Arrays.copyOfRange(area, 16, 32), "new_chunk 0 ends the list");
            assertArrayEquals(a, read(t, "/dev/rwd1d", 16, 4096));
            // a write to the snapshot goes to its COW copy; the origin is untouched
            byte[] c = pattern(3, 512);
            write(t, SNAP, 2000, c);
            assertArrayEquals(c, read(t, SNAP, 2000, 512));
            assertArrayEquals(new byte[512], read(t, ORIGIN, 2000, 512));
            assertEquals("32/16384 16", params(t, "snap", false));
        }
    }

    @Test
    void transient_statusCountsSectors() {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot"), false)) {
            setUp(t, "N", 16);
            assertEquals("0:3 0:19 N 16", params(t, "snap", true));
            assertEquals("0/16384 0", params(t, "snap", false));
            write(t, ORIGIN, 0, pattern(5, 512));
            write(t, ORIGIN, 40, pattern(5, 512));
            assertEquals("32/16384 0", params(t, "snap", false));
            assertArrayEquals(new byte[512], read(t, SNAP, 40, 512));
            assertArrayEquals(new byte[512], read(t, "/dev/rwd1d", 0, 512), "no header: data from sector 0");
        }
    }

    @Test
    void cowFull_snapshotInvalid_originKeepsWorking() {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot"), false)) {
            setUp(t, "P", 2048); // 8 chunks of 1 MiB: header, area 0, room for 6 exceptions
            for (int i = 0; i < 6; i++) {
                write(t, ORIGIN, i * 2048L, pattern(i, 512));
            }
            assertEquals("16384/16384 4096", params(t, "snap", false));
            assertArrayEquals(new byte[512], read(t, SNAP, 5 * 2048L, 512));
            write(t, ORIGIN, 6 * 2048L, pattern(6, 512));
            assertEquals("Invalid", params(t, "snap", false));
            assertEquals(Errno.EIO, t.io(SNAP, true, 0, new byte[512]).error());
            assertEquals(Errno.EIO, t.io(SNAP, false, 0, new byte[512]).error());
            write(t, ORIGIN, 7 * 2048L, pattern(7, 512));
            assertArrayEquals(pattern(7, 512), read(t, ORIGIN, 7 * 2048L, 512));
            assertEquals(0, read(t, "/dev/rwd1d", 0, 512)[4], "header valid flag cleared on disk");
        }
    }

    @Test
    void persistentSnapshot_survivesADaemonRestart(@TempDir Path dir) throws Exception {
        Path o = dir.resolve("wd0.img");
        Path c = dir.resolve("wd1.img");
        for (Path p : List.of(o, c)) {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(8 << 20);
            }
        }
        List<DiskSpec> disks = List.of(new DiskSpec("wd0", "file:" + o, 512), new DiskSpec("wd1", "file:" + c, 512));
        byte[] before = pattern(11, 8192);
        try (DmTestSupport t = new DmTestSupport(disks, Set.of("snapshot"))) {
            t.up("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
            write(t, ORIGIN, 300, before);
            takeSnapshot(t, "snap", "P", 4);
            for (int i = 0; i < 200; i++) { // fills area 0 (128 entries) and goes on in area 1
                write(t, ORIGIN, 300 + (i % 16), pattern(20 + i, 512));
                write(t, ORIGIN, 1000 + i * 4L, pattern(i, 512));
            }
            assertEquals("828/16384 12", params(t, "snap", false));
        }
        assertTrue(Files.size(c) > 0);
        try (DmTestSupport t = new DmTestSupport(disks, Set.of("snapshot"))) {
            t.up("snap", line(0, 16384, "snapshot", "/dev/wd0d /dev/wd1d P 0"));
            assertEquals("0:3 0:19 P 4", params(t, "snap", true), "chunk size from the header");
            assertEquals("828/16384 12", params(t, "snap", false));
            assertArrayEquals(before, read(t, SNAP, 300, 8192));
            assertArrayEquals(new byte[512], read(t, SNAP, 1000 + 199 * 4L, 512));
        }
    }

    @Test
    void ioDuringSnapshotCreation_pointInTimeAndNothingTorn() throws Exception {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot"), false)) {
            t.up("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
            int writers = 4;
            int region = 16; // sectors per writer, spanning two 8-sector chunks
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(writers);
            ExecutorService ex = Executors.newFixedThreadPool(writers);
            int[] last = new int[writers];
            try {
                Future<?>[] f = new Future<?>[writers];
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    f[w] = ex.submit(() -> {
                        for (int v = 1; !stop.get() || v < 50; v++) {
                            byte[] b = new byte[region * 512];
                            int stamp = 1 + v % 120; // a positive byte
                            Arrays.fill(b, (byte) stamp);
                            write(t, "/dev/rmapper/origin", 4 + id * 64L, b); // unaligned to the chunks; raw: block nodes open once
                            last[id] = stamp;
                            if (v == 20) {
                                started.countDown();
                            }
                        }
                        return null;
                    });
                }
                assertTrue(started.await(10, TimeUnit.SECONDS));
                takeSnapshot(t, "snap", "P", 8);
                byte[] first = read(t, SNAP, 0, 64 * 512 * writers);
                stop.set(true);
                for (Future<?> x : f) {
                    x.get(20, TimeUnit.SECONDS);
                }
                byte[] second = read(t, SNAP, 0, 64 * 512 * writers);
                assertArrayEquals(first, second, "the snapshot does not move");
                for (int w = 0; w < writers; w++) {
                    int off = (4 + w * 64) * 512;
                    byte v = first[off];
                    assertTrue(v > 0, "a version written before the snapshot");
                    for (int i = 0; i < region * 512; i++) {
                        assertEquals(v, first[off + i], "writer " + w + " region torn at byte " + i);
                    }
                    byte[] o = read(t, ORIGIN, 4 + w * 64L, region * 512);
                    for (byte x : o) {
                        assertEquals((byte) last[w], x, "origin holds the last version");
                    }
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    void cowOnA4kSectorDisk_metadataWrittenInWholeSectors() {
        try (DmTestSupport t = new DmTestSupport(Set.of("snapshot", "mirror"), false)) {
            t.up("origin", line(0, 16384, "snapshot-origin", "/dev/wd0d"));
            t.up("snap", line(0, 16384, "snapshot", "/dev/wd0d /dev/sd0d P 8"));
            write(t, ORIGIN, 0, pattern(8, 4096));
            write(t, ORIGIN, 64, pattern(9, 4096));
            assertEquals("32/16384 16", params(t, "snap", false));
            assertArrayEquals(new byte[4096], read(t, SNAP, 0, 4096));
            byte[] area = read(t, "/dev/rsd0d", 8, 4096); // chunk 1 = 512-byte blocks 8-15 = 4 KiB sector 1
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
                3, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(area, 32));
        }
        try (DmTestSupport t = new DmTestSupport(Set.of("mirror"), false)) { // a mirror's disk log there too
            t.up("m", line(0, 2048, "mirror", "disk 3 /dev/sd0d 64 nosync 2 /dev/wd0d 0 /dev/wd1d 0"));
            write(t, "/dev/mapper/m", 100, pattern(10, 1024));
            assertEquals("2 0:3 0:19 32/32 1 AA 3 disk " + udevOf(t, "/dev/sd0d") + " A", params(t, "m", false));
            byte[] log = read(t, "/dev/rsd0d", 0, 4096);
            assertArrayEquals(new byte[] {0x72, 0x52, 0x69, 0x4D, 2, 0, 0, 0, 32}, Arrays.copyOf(log, 9));
            assertArrayEquals(new byte[] {-1, -1, -1, -1, 0}, Arrays.copyOfRange(log, 1024, 1029));
        }
    }

    static String udevOf(DmTestSupport t, String path) {
        return t.k.deviceMapper().pdevs().snapshot().stream().filter(p -> p.name().equals(path)).findFirst()
                .orElseThrow().udevName();
    }
}
