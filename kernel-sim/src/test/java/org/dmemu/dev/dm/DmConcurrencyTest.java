package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/**
 * Writers and readers on a dm device while reload/resume/suspend/status run, and while another
 * device is created and removed: no I/O lost, misrouted or torn, no deadlock.
 *
 * <p>The device "v" always maps sectors [0,256) onto wd1d (the raw partition, so that writes
 * to the label sector LBA 1 are not refused with EROFS) at offset 0, but the table is
 * reloaded as one entry or as 2, 4 or 8 entries (different splits of the same mapping), so
 * every request must land in the same place whichever table it meets. Each writer thread owns
 * a region and writes sector-stamped patterns (thread, sequence, sector) and verifies them.
 */
class DmConcurrencyTest {
    private static PropDictionaryArray tableSplit(int parts) {
        PropDictionaryArray a = new PropDictionaryArray();
        int len = 256 / parts;
        for (int i = 0; i < parts; i++) {
            a.lines.add(line(i * len, len, "linear", "/dev/wd1d " + i * len));
        }
        return a;
    }

    private static final class PropDictionaryArray {
        final List<org.dmemu.proplib.PropDictionary> lines = new ArrayList<>();

        org.dmemu.proplib.PropDictionary[] toArray() {
            return lines.toArray(new org.dmemu.proplib.PropDictionary[0]);
        }
    }

    @Test
    void ioDuringTableSwitches_noLossNoTearNoDeadlock() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (DmTestSupport t = new DmTestSupport()) {
                t.up("v", tableSplit(1).toArray());
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicLong ios = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    final int id = w;
                    threads.add(new Thread(() -> {
                        try (DiskHandle h = t.k.open("/dev/rmapper/v")) {
                            int base = id * 64;
                            byte[] wb = new byte[8 * 512];
                            byte[] rb = new byte[8 * 512];
                            Buf bp = new Buf();
                            for (int seq = 1; !stop.get(); seq++) {
                                int off = (seq * 8) % 64;
                                for (int i = 0; i < wb.length; i++) {
                                    wb[i] = (byte) (id * 31 + seq * 7 + (i / 512) * 3 + i);
                                }
                                h.strategy(bp.setup(Buf.B_WRITE, base + off, wb, 0, wb.length));
                                check(bp, wb.length);
                                h.strategy(bp.setup(Buf.B_READ, base + off, rb, 0, rb.length));
                                check(bp, rb.length);
                                if (!java.util.Arrays.equals(wb, rb)) {
                                    throw new AssertionError("torn or misrouted I/O in thread " + id + " seq " + seq);
                                }
                                ios.addAndGet(2);
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }));
                }
                threads.forEach(Thread::start);
                int[] splits = {2, 4, 8, 1};
                for (int round = 0; round < 300; round++) {
                    t.reload("v", tableSplit(splits[round % 4]).toArray());
                    assertEquals(Errno.NONE, t.herr());
                    if (round % 3 == 0) {
                        t.call(req("suspend", "name", "v"));
                    }
                    t.resume("v");
                    assertEquals(Errno.NONE, t.herr());
                    t.call(req("status", "name", "v"));
                    t.create("tmp");
                    t.reload("tmp", line(0, 8, "linear", "/dev/wd0a 0"));
                    t.resume("tmp");
                    t.call(req("remove", "name", "tmp"));
                    assertEquals(Errno.NONE, t.herr());
                }
                stop.set(true);
                for (Thread th : threads) {
                    th.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError(failure.get());
                }
                assertTrue(ios.get() > 0);
                // every region holds exactly what the directly-read disk holds
                byte[] a = new byte[256 * 512];
                byte[] b = new byte[256 * 512];
                assertEquals(Errno.NONE, t.io("/dev/mapper/v", true, 0, a).error());
                assertEquals(Errno.NONE, t.io("/dev/rwd1d", true, 0, b).error());
                assertArrayEquals(b, a);
                assertEquals(0L, t.k.deviceMapper().devs().byName("v").tableHead().readerCount());
            }
        });
    }

    private static void check(Buf bp, int len) {
        if (bp.error() != Errno.NONE || bp.resid() != 0 || bp.bcount() != len) {
            throw new AssertionError("lost I/O: " + bp);
        }
    }

    @Test
    void removeWhileIoInFlight_waitsAndThenFailsNewIo() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (DmTestSupport t = new DmTestSupport()) {
                t.up("r", line(0, 1024, "linear", "/dev/wd1a 0"));
                DiskHandle h = t.k.open("/dev/mapper/r");
                h.close(); // open bit cleared: remove is allowed, the handle still issues I/O
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong eio = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    byte[] buf = new byte[64 * 512];
                    Buf bp = new Buf();
                    while (!stop.get()) {
                        h.strategy(bp.setup(Buf.B_READ, 0, buf, 0, buf.length));
                        if (bp.error() == Errno.EIO) {
                            eio.incrementAndGet();
                        } else if (bp.error() != Errno.NONE) {
                            failure.set(new AssertionError(bp.toString()));
                        }
                    }
                });
                reader.start();
                Thread.sleep(20);
                t.call(req("remove", "name", "r"));
                assertEquals(Errno.NONE, t.herr());
                assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
                Thread.sleep(20);
                stop.set(true);
                reader.join();
                assertNull(failure.get());
                assertTrue(eio.get() > 0, "I/O after remove must fail with EIO");
            }
        });
    }
}
