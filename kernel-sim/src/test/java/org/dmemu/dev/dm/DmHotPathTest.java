package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy path allocates nothing and throws nothing (tracing off): on memory and
 * file-backed disks, and on the error paths (past the end, EOF, holes, the label sector, the
 * error target), each errno travelling in the buf (issue 16 point 11).
 */
class DmHotPathTest {
    @TempDir
    Path dir;

    private static com.sun.management.ThreadMXBean counter() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "HotSpot allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(hs.isThreadAllocatedMemorySupported());
        hs.setThreadAllocatedMemoryEnabled(true);
        return hs;
    }

    /**
     * Bytes the calling thread allocates in one run of {@code loop} after 20 warm-up runs: the
     * least of three runs, so that a one-off allocation of the JDK (a JIT deoptimisation, a
     * cache refill) is not charged to the path; an allocation per call shows in every run.
     */
    private static long allocatedBy(Runnable loop) {
        com.sun.management.ThreadMXBean hs = counter();
        for (int w = 0; w < 20; w++) {
            loop.run(); // warm up: chunks allocated, slots registered, JIT done
        }
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long before = hs.getThreadAllocatedBytes(tid);
            loop.run();
            least = Math.min(least, hs.getThreadAllocatedBytes(tid) - before);
        }
        return least;
    }

    /** 2000 strategy calls of 8 sectors alternating read and write, each expected to end with {@code want}. */
    private static Runnable loop(DiskHandle h, Buf bp, byte[] buf, long firstBlk, long spread, Errno want) {
        return () -> {
            for (int i = 0; i < 2000; i++) {
                long blk = firstBlk + (i * 37L) % spread;
                h.strategy(bp.setup((i & 1) == 0 ? Buf.B_READ : Buf.B_WRITE, blk, buf, 0, 8 * 512));
                if (bp.error() != want) {
                    throw new AssertionError(bp + ", expected " + want);
                }
            }
        };
    }

    @Test
    void strategy_linearStripedZero_allocatesNothing() throws Exception {
        counter();
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 1024, "linear", "/dev/wd1d 0"), line(1024, 1024, "striped", "2 8 /dev/wd0d 0 /dev/wd1a 4096"),
                    line(2048, 64, "zero", ""));
            try (DiskHandle h = t.k.open("/dev/mapper/a")) {
                long bytes = allocatedBy(loop(h, new Buf(), new byte[64 * 1024], 0, 2000, Errno.NONE));
                assertTrue(bytes < 1024, "strategy allocated " + bytes + " bytes in 2000 calls");
            }
        }
    }

    @Test
    void strategy_fileBackedDisks_allocatesNothing() throws Exception {
        counter();
        Path w0 = image("wd0.img");
        Path w1 = image("wd1.img");
        try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "file:" + w0, 512),
                new DiskSpec("wd1", "file:" + w1, 512)), Set.of(), false, false, null))) {
            DmTestSupport t = new DmTestSupport(k);
            t.up("f", line(0, 1024, "linear", "/dev/wd1d 0"), line(1024, 1024, "striped", "2 8 /dev/wd0d 0 /dev/wd1d 4096"));
            try (DiskHandle h = k.open("/dev/mapper/f")) {
                long bytes = allocatedBy(loop(h, new Buf(), new byte[64 * 1024], 0, 2000, Errno.NONE));
                assertTrue(bytes < 1024, "strategy on image files allocated " + bytes + " bytes in 2000 calls");
            }
            // the disk's own node as well (the character node: the table holds the block node)
            try (DiskHandle h = k.open("/dev/rwd1d")) {
                long bytes = allocatedBy(loop(h, new Buf(), new byte[8 * 512], 0, 4000, Errno.NONE));
                assertTrue(bytes < 1024, "disk strategy on an image file allocated " + bytes + " bytes");
            }
        }
    }

    @Test
    void strategy_errorPaths_allocateNothing() throws Exception {
        counter();
        try (DmTestSupport t = new DmTestSupport(Set.of(), false)) {
            // 0-1023 linear, 1024-1031 a hole, 1032-1039 error, 1040- zero; the size is the sum
            // of the lengths, 1048
            t.up("e", line(0, 1024, "linear", "/dev/wd1a 20000"), line(1032, 8, "error", ""), line(1040, 16, "zero", ""));
            try (DiskHandle h = t.k.open("/dev/mapper/e")) {
                Buf bp = new Buf();
                byte[] buf = new byte[8 * 512];
                // past the end of the dm device: EINVAL from the bounds check
                assertTrue(allocatedBy(loop(h, bp, buf, 5000, 100, Errno.EINVAL)) < 1024, "past the end");
                // a hole: EINVAL from the split
                assertTrue(allocatedBy(loop(h, bp, buf, 1024, 1, Errno.EINVAL)) < 1024, "hole");
                // the error target: EIO
                assertTrue(allocatedBy(loop(h, bp, buf, 1032, 1, Errno.EIO)) < 1024, "error target");
                // the pdev refuses: wd1a is 16384 sectors, linear offset 20000 is past its end (EINVAL)
                assertTrue(allocatedBy(loop(h, bp, buf, 0, 1000, Errno.EINVAL)) < 1024, "pdev past its end");
            }
            // the disk itself: past the end of a partition, EOF exactly at it, the label sector
            try (DiskHandle h = t.k.open("/dev/rwd1a")) { // the table holds the block node
                Buf bp = new Buf();
                byte[] buf = new byte[8 * 512];
                long size = t.k.disks().get(1).partitionSize(0);
                assertTrue(allocatedBy(loop(h, bp, buf, size + 8, 100, Errno.EINVAL)) < 1024, "disk past the end");
                assertTrue(allocatedBy(loop(h, bp, buf, size, 1, Errno.NONE)) < 1024, "disk EOF");
                Runnable label = () -> {
                    for (int i = 0; i < 2000; i++) {
                        h.strategy(bp.setup(Buf.B_WRITE, 0, buf, 0, 8 * 512));
                        if (bp.error() != Errno.EROFS) {
                            throw new AssertionError(bp.toString());
                        }
                    }
                };
                assertTrue(allocatedBy(label) < 1024, "label sector write");
            }
        }
    }

    private Path image(String name) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, new byte[8 << 20]);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
