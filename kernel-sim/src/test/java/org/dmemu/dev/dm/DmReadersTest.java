package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.dmemu.dev.dm.DmTestSupport.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16 points 4 and 5: reader slots are per kernel and reused after their threads end; a
 * remove waiting for a slow device's in-flight read does not hold the kernel lock.
 */
class DmReadersTest {
    @Test
    void shortLivedThreads_reuseSlots_perKernel() throws Exception {
        try (DmTestSupport t = new DmTestSupport(); DmTestSupport other = new DmTestSupport()) {
            t.up("x", line(0, 1024, "zero", ""));
            DmReaders readers = t.k.deviceMapper().readers();
            for (int i = 0; i < 2000; i++) {
                Thread th = new Thread(() -> {
                    byte[] b = new byte[65536]; // each thread its own buffer, as NBD connections have
                    assertEquals(Errno.NONE, t.io("/dev/mapper/x", true, 0, b).error());
                });
                th.start();
                th.join();
            }
            assertTrue(readers.slotCount() <= 2, readers.slotCount() + " slots for 2,000 sequential threads");
            assertEquals(0, other.k.deviceMapper().readers().slotCount(), "slots belong to their kernel");
        }
    }

    /**
     * A read sleeps in a delay target (20 s unless interrupted); a reload + resume of its device
     * must wait for it before destroying the old table. Meanwhile an ioctl on another device is
     * answered at once: the wait does not hold the kernel lock. Then the read is interrupted,
     * finishes, and the resume completes.
     */
    @Test
    @Timeout(120) // a hang guard, not a timing assertion
    void resumeWaitingForSlowRead_doesNotBlockOtherIoctls() throws Exception {
        try (DmTestSupport t = new DmTestSupport(Set.of("delay"), false)) {
            t.up("slow", line(0, 8, "delay", "/dev/wd1a 0 20000"));
            t.up("fast", line(0, 8, "linear", "/dev/wd0a 0"));
            DmTableHead head = t.k.deviceMapper().devs().byName("slow").tableHead();
            AtomicReference<Errno> readErr = new AtomicReference<>();
            Thread reader = new Thread(() -> readErr.set(t.io("/dev/mapper/slow", true, 0, new byte[512]).error()));
            reader.start();
            while (head.readerCount() == 0) {
                Thread.yield(); // until the read is inside the table
            }
            DmTable before = head.active();
            AtomicReference<Errno> resumeErr = new AtomicReference<>();
            Thread switcher = new Thread(() -> {
                t.reload("slow", line(0, 8, "zero", ""));
                t.resume("slow");
                resumeErr.set(t.herr());
            });
            switcher.start();
            while (head.active() == before) {
                Thread.yield(); // until the resume has switched the tables (read without the lock)
            }
            assertEquals("zero", activeType(t, "slow"));
            t.call(req("status", "name", "fast", "flags", 0));
            assertEquals(Errno.NONE, t.herr());
            assertTrue(reader.isAlive() && switcher.isAlive(), "status answered while the resume still waits");
            assertEquals(List.of("/dev/wd0a", "/dev/wd1a"), pdevNames(t),
                    "the old table keeps its pdev until it is destroyed");
            reader.interrupt();
            reader.join();
            switcher.join();
            assertEquals(Errno.NONE, readErr.get());
            assertEquals(Errno.NONE, resumeErr.get());
            assertEquals(List.of("/dev/wd0a"), pdevNames(t));
        }
    }

    /**
     * A table retired by one thread's handler (a reader still inside it) is waited for by that
     * thread only: another thread's ioctl, run before the first one drains, does not inherit
     * the wait.
     */
    @Test
    @Timeout(120) // a hang guard, not a timing assertion
    void retiredTable_isDrainedByTheRetiringThreadOnly() throws Exception {
        try (DmTestSupport t = new DmTestSupport(Set.of("delay"), false)) {
            t.up("slow", line(0, 8, "delay", "/dev/wd1a 0 20000"));
            t.up("fast", line(0, 8, "linear", "/dev/wd0a 0"));
            DeviceMapper dm = t.k.deviceMapper();
            DmTableHead head = dm.devs().byName("slow").tableHead();
            Thread reader = new Thread(() -> t.io("/dev/mapper/slow", true, 0, new byte[512]));
            reader.start();
            while (head.readerCount() == 0) {
                Thread.yield();
            }
            DmTable old = head.active();
            java.util.concurrent.CountDownLatch retired = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch drain = new java.util.concurrent.CountDownLatch(1);
            Thread retirer = new Thread(() -> {
                synchronized (dm.lock()) { // what a resume handler does, without its ioctl's drain yet
                    head.switchTables();
                    head.destroyInactive(dm.pdevs());
                }
                retired.countDown();
                try {
                    drain.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                dm.readers().drainRetired(dm.lock());
            });
            retirer.start();
            retired.await();
            t.call(req("status", "name", "fast", "flags", 0)); // must not wait for "slow"'s reader
            assertEquals(Errno.NONE, t.herr());
            assertEquals(1, dm.readers().readers(old.id), "the status ioctl did not wait for another thread's retired table");
            drain.countDown();
            reader.interrupt();
            reader.join();
            retirer.join();
            assertEquals(List.of("/dev/wd0a"), pdevNames(t));
        }
    }

    private static String activeType(DmTestSupport t, String name) {
        PropDictionary r = t.call(req("table", "name", name, "flags", 0));
        PropArray a = r.getArray("cmd_data");
        return a == null || a.count() == 0 ? null : ((PropDictionary) a.get(0)).getString("type");
    }

    private static List<String> pdevNames(DmTestSupport t) {
        return t.k.deviceMapper().pdevs().snapshot().stream().map(DmPdev::name).sorted().toList();
    }

    /** lastHandlerErrno is the calling thread's: another thread's failing ioctl does not change it. */
    @Test
    void lastHandlerErrno_isPerThread() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            assertEquals(Errno.NONE, t.herr());
            Thread th = new Thread(() -> {
                t.call(req("info", "name", "nosuch", "flags", 0));
                assertEquals(Errno.ENOENT, t.herr());
            });
            th.start();
            th.join();
            assertEquals(Errno.NONE, t.herr());
        }
    }
}
