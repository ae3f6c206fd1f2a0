package org.dmemu.dev.disk;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sparseness of the media: {@code nextData}/{@code nextHole} and {@code discard} of
 * {@link MemoryStore} (chunks never written, dropped by a discard) and {@link FileStore}
 * (SEEK_DATA/SEEK_HOLE and PUNCH_HOLE through libdmemusparse, checked against the host file's
 * allocated blocks).
 */
class SparseStoreTest {
    private static final int CHUNK = 65536;

    @Test
    void memory_holesAreUnwrittenChunks_discardDropsWholeChunksAndZeroesParts() {
        MemoryStore m = new MemoryStore(64L * CHUNK + 512);
        assertEquals(64L * CHUNK + 512, m.nextData(0), "no data yet: nextData = size");
        assertEquals(0, m.nextHole(0));
        m.write(5L * CHUNK + 100, new byte[] {1}, 0, 1);
        m.write(40L * CHUNK, new byte[CHUNK * 2], 0, CHUNK * 2);
        assertEquals(5L * CHUNK, m.nextData(0));
        assertEquals(5L * CHUNK + 7, m.nextData(5L * CHUNK + 7));
        assertEquals(6L * CHUNK, m.nextHole(5L * CHUNK));
        assertEquals(40L * CHUNK, m.nextData(6L * CHUNK));
        assertEquals(42L * CHUNK, m.nextHole(40L * CHUNK));
        assertEquals(64L * CHUNK + 512, m.nextData(42L * CHUNK));
        assertEquals(3, m.allocatedChunks());

        byte[] ones = new byte[3 * CHUNK];
        Arrays.fill(ones, (byte) 7);
        m.write(10L * CHUNK, ones, 0, ones.length);
        assertEquals(Errno.NONE, m.discard(10L * CHUNK + 512, 2L * CHUNK));
        assertEquals(5, m.allocatedChunks(), "chunk 11 dropped, 10 and 12 kept (partly covered)");
        byte[] back = new byte[3 * CHUNK];
        m.read(10L * CHUNK, back, 0, back.length);
        for (int i = 0; i < back.length; i++) {
            byte want = i >= 512 && i < 512 + 2 * CHUNK ? 0 : (byte) 7;
            assertEquals(want, back[i], "byte " + i);
        }
        assertEquals(11L * CHUNK, m.nextHole(10L * CHUNK));
        assertEquals(12L * CHUNK, m.nextData(11L * CHUNK));
    }

    @Test
    void file_seekDataAndHole_thenPunch(@TempDir Path dir) throws IOException {
        requireNative();
        Path img = dir.resolve("sparse.img");
        long size = 64L << 20;
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1 << 20]).put(0, (byte) 1), 8L << 20);
            byte[] r = new byte[1 << 20];
            new Random(1).nextBytes(r);
            ch.write(ByteBuffer.wrap(r), 32L << 20);
            ch.force(true);
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            raf.setLength(size);
        }
        FileStore f = new FileStore(img, line -> { });
        try {
            assertEquals(8L << 20, f.nextData(0));
            assertEquals(9L << 20, f.nextHole(8L << 20));
            assertEquals(32L << 20, f.nextData(9L << 20));
            assertEquals(33L << 20, f.nextHole(32L << 20));
            assertEquals(size, f.nextData(33L << 20), "no data after: size");
            assertEquals(33L << 20, f.nextHole(33L << 20), "a hole up to the end");
            long before = allocated(img);
            assertTrue(before >= 2L << 20, "2 MiB allocated, got " + before);
            assertEquals(Errno.NONE, f.discard(32L << 20, 1L << 20));
            assertTrue(allocated(img) <= before - (1L << 20) + 65536, "the punched MiB is freed");
            byte[] back = new byte[1 << 20];
            assertTrue(f.read(32L << 20, back, 0, back.length));
            assertArrayEquals(new byte[1 << 20], back);
            assertEquals(size, f.nextData(9L << 20), "the punched range is a hole now");
            assertEquals(size, Files.size(img), "KEEP_SIZE: the file does not shrink");
        } finally {
            f.close();
        }
    }

    /** Allocated bytes of a host file (st_blocks × 512, from stat(1): the JDK does not tell). */
    static long allocated(Path p) throws IOException {
        Process pr = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        try {
            pr.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Long.parseLong(out) * 512;
    }

    /** The native library must be there under CI=true; elsewhere its absence skips. */
    static void requireNative() {
        if (!HostSparse.available() && "true".equals(System.getenv("CI"))) {
            fail("libdmemusparse is not loaded (CI=true: it must be built)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(HostSparse.available(), "libdmemusparse not built");
    }
}
