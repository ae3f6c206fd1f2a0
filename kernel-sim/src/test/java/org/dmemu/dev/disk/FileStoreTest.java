package org.dmemu.dev.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 point 3: an interrupt never breaks a file-backed disk, and real I/O errors are logged
 * with the file and the cause.
 */
class FileStoreTest {
    @TempDir
    Path dir;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private FileStore store(int bytes) throws Exception {
        Path p = dir.resolve("d.img");
        byte[] img = new byte[bytes];
        for (int i = 0; i < img.length; i++) {
            img[i] = (byte) (i * 13 + i / 512);
        }
        Files.write(p, img);
        return new FileStore(p, log::add);
    }

    private static byte[] expected(long pos, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            long at = pos + i;
            b[i] = (byte) (at * 13 + at / 512);
        }
        return b;
    }

    @Test
    void interruptedCaller_transfersAndKeepsItsInterrupt_storeStaysUsable() throws Exception {
        try (FileStore s = store(1 << 20)) {
            byte[] b = new byte[4096];
            Thread.currentThread().interrupt();
            assertTrue(s.read(8192, b, 0, 4096));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertArrayEquals(expected(8192, 4096), b);
            Thread.currentThread().interrupt();
            assertTrue(s.write(0, b, 0, 512));
            assertTrue(s.flush());
            assertTrue(Thread.interrupted());
            // and every later call, from any thread, still works
            byte[] c = new byte[512];
            assertTrue(s.read(0, c, 0, 512));
            assertArrayEquals(java.util.Arrays.copyOf(b, 512), c);
            assertTrue(s.flush());
            assertEquals(List.of(), log);
        }
    }

    @Test
    void channelClosedUnderneath_isReopenedTransparently() throws Exception {
        try (FileStore s = store(1 << 16)) {
            s.channelForTest().close(); // what an interrupt in the middle of a transfer does
            byte[] b = new byte[1024];
            assertTrue(s.read(512, b, 0, 1024));
            assertArrayEquals(expected(512, 1024), b);
            assertTrue(s.write(0, b, 0, 512));
            assertTrue(s.flush());
            assertEquals(List.of(), log);
        }
    }

    /**
     * Two threads read in a loop; one of them is interrupted again and again while it runs (a
     * bounded number of reads, whatever the timing). Every read succeeds with the right bytes.
     */
    @Test
    void interruptsDuringTransfers_neverFailAReader() throws Exception {
        int size = 1 << 20;
        try (FileStore s = store(size)) {
            int reads = 3000;
            AtomicInteger failures = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(2);
            AtomicBoolean victimDone = new AtomicBoolean();
            Runnable reader = () -> {
                byte[] b = new byte[65536];
                started.countDown();
                for (int i = 0; i < reads; i++) {
                    long pos = (long) (i * 65536) % size;
                    if (!s.read(pos, b, 0, b.length) || b[100] != expected(pos + 100, 1)[0]) {
                        failures.incrementAndGet();
                    }
                }
            };
            Thread victim = new Thread(() -> {
                reader.run();
                victimDone.set(true);
            });
            Thread other = new Thread(reader);
            victim.start();
            other.start();
            started.await();
            while (!victimDone.get()) {
                victim.interrupt();
                Thread.onSpinWait();
            }
            victim.join();
            other.join();
            assertEquals(0, failures.get());
            assertEquals(List.of(), log);
        }
    }

    @Test
    void realIoError_loggedWithFileAndCause_returnsFalse() throws Exception {
        Path full = Path.of("/dev/full"); // Linux: every write fails with ENOSPC
        try (FileStore s = new FileStore(full, log::add)) {
            assertFalse(s.write(0, new byte[512], 0, 512));
        }
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("dmemu: /dev/full: write of 512 bytes at offset 0 failed: "), log.get(0));
        assertTrue(log.get(0).contains("No space left on device"), log.get(0));
    }

    @Test
    void closedStore_failsAndSaysSo() throws Exception {
        FileStore s = store(4096);
        s.close();
        assertFalse(s.read(0, new byte[512], 0, 512));
        assertEquals(1, log.size());
        assertTrue(log.get(0).endsWith("read of 512 bytes at offset 0 failed: store closed"), log.get(0));
    }
}
