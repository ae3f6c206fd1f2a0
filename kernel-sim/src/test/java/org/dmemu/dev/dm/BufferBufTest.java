package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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
 * Bufs whose data area is a direct {@link ByteBuffer} (the NBD server's): the same bytes reach
 * the media and come back as with array bufs, through linear, striped and zero entries, memory
 * and file disks; bytes of the buffer outside the transfer are never touched.
 */
class BufferBufTest {
    @TempDir
    Path tmp;

    private static final int AT = 100; // the data area starts inside the buffer

    private static Buf direct(DiskHandle h, boolean read, long blkno, ByteBuffer b, int len) {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, b, AT, len);
        h.strategy(bp);
        return bp;
    }

    private static ByteBuffer sentinelBuffer(int len) {
        ByteBuffer b = ByteBuffer.allocateDirect(AT + len + AT);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) 0x5a);
        }
        return b;
    }

    private static void assertSentinels(ByteBuffer b, int len) {
        for (int i = 0; i < AT; i++) {
            assertEquals(0x5a, b.get(i), "byte " + i + " before the area");
            assertEquals(0x5a, b.get(AT + len + i), "byte " + i + " after the area");
        }
    }

    private static byte[] area(ByteBuffer b, int len) {
        byte[] out = new byte[len];
        b.get(AT, out, 0, len);
        return out;
    }

    @Test
    void stripedAndLinearAndZero_arrayAndBufferBufsAgree() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("s", line(0, 2048, "striped", "2 16 /dev/wd0d 0 /dev/wd1d 0"));
            t.up("l", line(0, 1024, "linear", "/dev/wd1d 4096"), line(1024, 64, "zero", ""));
            byte[] data = new byte[2048 * 512];
            new Random(7).nextBytes(data);
            assertEquals(Errno.NONE, t.io("/dev/mapper/s", false, 0, data).error());
            try (DiskHandle h = t.k.open("/dev/rmapper/s")) {
                ByteBuffer b = sentinelBuffer(300 * 512);
                Buf bp = direct(h, true, 37, b, 300 * 512);
                assertEquals(Errno.NONE, bp.error());
                assertEquals(0, bp.resid());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 37 * 512, 337 * 512), area(b, 300 * 512));
                assertSentinels(b, 300 * 512);
                // a write from a buffer, read back with an array buf
                byte[] w = new byte[40 * 512];
                new Random(8).nextBytes(w);
                ByteBuffer wb = sentinelBuffer(w.length);
                wb.put(AT, w);
                assertEquals(Errno.NONE, direct(h, false, 500, wb, w.length).error());
            }
            byte[] back = new byte[40 * 512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/s", true, 500, back).error());
            byte[] w = new byte[40 * 512];
            new Random(8).nextBytes(w);
            assertArrayEquals(w, back);

            byte[] onDisk = new byte[64 * 512];
            new Random(9).nextBytes(onDisk);
            assertEquals(Errno.NONE, t.io("/dev/mapper/l", false, 960, onDisk).error()); // 64 linear sectors
            try (DiskHandle h = t.k.open("/dev/rmapper/l")) {
                ByteBuffer b = sentinelBuffer(128 * 512);
                assertEquals(Errno.NONE, direct(h, true, 960, b, 128 * 512).error());
                byte[] got = area(b, 128 * 512);
                assertArrayEquals(onDisk, java.util.Arrays.copyOf(got, 64 * 512));
                assertArrayEquals(new byte[64 * 512], java.util.Arrays.copyOfRange(got, 64 * 512, 128 * 512), "zero");
                assertSentinels(b, 128 * 512);
            }
        }
    }

    @Test
    void fileDisk_bufferReadsAndWritesTheImageInPlace() throws Exception {
        Path img = tmp.resolve("d.img");
        byte[] content = new byte[1 << 20];
        new Random(3).nextBytes(content);
        Files.write(img, content);
        try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "file:" + img, 512)), Set.of(),
                false, false, null)); DiskHandle h = k.open("/dev/rwd0d")) {
            ByteBuffer b = sentinelBuffer(64 * 1024);
            assertEquals(Errno.NONE, direct(h, true, 8, b, 64 * 1024).error());
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 8 * 512, 8 * 512 + 64 * 1024), area(b, 64 * 1024));
            assertSentinels(b, 64 * 1024);
            for (int i = 0; i < 4096; i++) {
                b.put(AT + i, (byte) i);
            }
            assertEquals(Errno.NONE, direct(h, false, 1000, b, 4096).error());
            assertEquals(Errno.NONE, h.cacheSync());
        }
        byte[] after = Files.readAllBytes(img);
        for (int i = 0; i < 4096; i++) {
            assertEquals((byte) i, after[1000 * 512 + i], "image byte " + i);
        }
    }

    @Test
    void bufHelpers_zeroSetByteSlice_onBothKinds() {
        ByteBuffer b = sentinelBuffer(1024);
        Buf bp = new Buf().setup(Buf.B_READ, 0, b, AT, 1024);
        bp.zero();
        assertArrayEquals(new byte[1024], area(b, 1024));
        assertSentinels(b, 1024);
        bp.setByte(5, (byte) 7);
        assertEquals(7, b.get(AT + 5));
        Buf nb = new Buf().setupSlice(Buf.B_READ, 3, bp, 512, 512);
        assertEquals(b, nb.buffer());
        assertEquals(AT + 512, nb.dataOffset());
        assertEquals(null, nb.data());
        byte[] a = new byte[2048];
        Buf ab = new Buf().setup(Buf.B_WRITE, 0, a, 10, 1024);
        Buf an = new Buf().setupSlice(Buf.B_WRITE, 0, ab, 100, 16);
        assertEquals(null, an.buffer());
        assertEquals(110, an.dataOffset());
        an.setByte(0, (byte) 9);
        assertEquals(9, a[110]);
        // reusing a buf switches its kind cleanly
        an.setup(Buf.B_READ, 0, b, 0, 8);
        assertEquals(null, an.data());
        an.setup(Buf.B_READ, 0, a, 0, 8);
        assertEquals(null, an.buffer());
    }
}
