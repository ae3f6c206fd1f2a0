package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** The strategy path allocates nothing and throws nothing (tracing off). */
class DmHotPathTest {
    @Test
    void strategy_linearStripedZero_allocatesNothing() throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "HotSpot allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(hs.isThreadAllocatedMemorySupported());
        hs.setThreadAllocatedMemoryEnabled(true);
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 1024, "linear", "/dev/wd1d 0"), line(1024, 1024, "striped", "2 8 /dev/wd0d 0 /dev/wd1a 4096"),
                    line(2048, 64, "zero", ""));
            try (DiskHandle h = t.k.open("/dev/mapper/a")) {
                byte[] buf = new byte[64 * 1024];
                Buf bp = new Buf();
                Runnable loop = () -> {
                    for (int i = 0; i < 2000; i++) {
                        long blk = (i * 37L) % 2000;
                        h.strategy(bp.setup((i & 1) == 0 ? Buf.B_READ : Buf.B_WRITE, blk, buf, 0, 8 * 512));
                        if (bp.error() != Errno.NONE) {
                            throw new AssertionError(bp.toString());
                        }
                    }
                };
                for (int w = 0; w < 20; w++) {
                    loop.run(); // warm up: chunks allocated, JIT done
                }
                long tid = Thread.currentThread().getId();
                long before = hs.getThreadAllocatedBytes(tid);
                loop.run();
                long after = hs.getThreadAllocatedBytes(tid);
                assertTrue(after - before < 1024, "strategy allocated " + (after - before) + " bytes in 2000 calls");
            }
        }
    }
}
