package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.junit.jupiter.api.Test;

/**
 * Block status and discard of dm devices through the targets ({@link DmBlockOps}): linear and
 * striped ask the memory disks (64 KiB chunks never written are holes), zero is a zero hole,
 * error is data, an unmapped gap ends the answer (EINVAL when asked about first), discards drop
 * memory chunks and fail where the kernel's strategy would.
 */
class DmBlockOpsTest {
    private static final int HZ = Extents.HOLE | Extents.ZERO;

    private static String status(DiskHandle h, long off, long len) {
        Extents e = new Extents(1000);
        Errno r = h.blockStatus(off, len, e);
        return r == Errno.NONE ? e.toString() : r.name();
    }

    @Test
    void blockStatus_perTarget_gapEndsTheAnswer() throws KernelException {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("x", line(0, 256, "linear", "/dev/wd0d 0"), line(256, 256, "zero", ""),
                    line(512, 8, "error", ""), line(528, 72, "zero", ""));
            assertEquals(Errno.NONE, t.io("/dev/mapper/x", false, 130, new byte[4096]).error());
            try (DiskHandle h = t.k.open("/dev/mapper/x")) {
                assertEquals("[65536:3, 65536:0, 131072:3, 4096:0]", status(h, 0, 600 * 512));
                assertEquals("[1000:3]", status(h, 100, 1000), "byte-exact clip of a sector answer");
                assertEquals("[12:0, 65536:3]", status(h, 256 * 512 - 12, 65548));
                assertEquals("EINVAL", status(h, 520 * 512, 512), "unmapped sector asked first");
                assertEquals("[32768:" + HZ + "]", status(h, 528 * 512, 1 << 20), "cut at the end: dmsize is the sum of the lengths, 592");
                assertEquals("EINVAL", status(h, 600 * 512, 512), "past the end");
            }
        }
    }

    @Test
    void blockStatus_striped_asksEachStripe() throws KernelException {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("s", line(0, 64, "striped", "2 16 /dev/wd0d 2048 /dev/wd1d 2048"));
            assertEquals(Errno.NONE, t.io("/dev/mapper/s", false, 16, new byte[512]).error());
            try (DiskHandle h = t.k.open("/dev/mapper/s")) {
                // sectors 16-31 and 48-63 lie on wd1 sectors 2048-2079: one 64 KiB memory chunk
                assertEquals("[8192:3, 8192:0, 8192:3, 8192:0]", status(h, 0, 64 * 512));
            }
        }
    }

    @Test
    void discard_dropsChunks_readsZeros_failsLikeStrategy() throws KernelException {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("x", line(0, 256, "linear", "/dev/wd0d 0"), line(256, 8, "zero", ""),
                    line(264, 8, "error", ""), line(280, 8, "zero", ""));
            byte[] ones = new byte[256 * 512];
            Arrays.fill(ones, (byte) 1);
            assertEquals(Errno.NONE, t.io("/dev/mapper/x", false, 0, ones).error());
            try (DiskHandle h = t.k.open("/dev/mapper/x")) {
                assertEquals("[131072:0, 4096:3]", status(h, 0, 264 * 512));
                assertEquals(Errno.NONE, h.discard(128 * 512, 136 * 512), "linear chunk 1 and the zero entry");
                assertEquals("[65536:0, 69632:3]", status(h, 0, 264 * 512));
                byte[] back = new byte[256 * 512];
                assertEquals(Errno.NONE, t.io("/dev/rmapper/x", true, 0, back).error());
                for (int i = 0; i < back.length; i++) {
                    assertEquals(i < 65536 ? 1 : 0, back[i], "byte " + i);
                }
                assertEquals(Errno.NONE, h.discard(64 * 512, 512), "a part of a chunk is zeroed");
                assertEquals(Errno.EIO, h.discard(256 * 512, 16 * 512), "the error target fails it");
                assertEquals(Errno.EINVAL, h.discard(272 * 512, 8 * 512), "unmapped sectors");
                assertEquals(Errno.EINVAL, h.discard(289 * 512, 512), "past the end");
                assertEquals(Errno.NONE, h.discard(280 * 512, 1 << 20), "cut at the end");
            }
            byte[] one = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/rmapper/x", true, 64, one).error());
            assertArrayEquals(new byte[512], one);
        }
    }

    @Test
    void diskDiscard_dkDiscardChecks() throws KernelException {
        try (DmTestSupport t = new DmTestSupport()) {
            try (DiskHandle a = t.k.open("/dev/wd1a"); DiskHandle d = t.k.open("/dev/wd1d")) {
                assertEquals(Errno.EROFS, a.discard(0, 4096), "covers the label sector, DIOCWLABEL off");
                assertEquals(Errno.NONE, d.discard(0, 4096), "the raw partition has no label guard");
                assertEquals(Errno.NONE, d.discard(8L << 20, 4096), "at the end: nothing to do");
                assertEquals(Errno.EINVAL, d.discard((8L << 20) + 512, 512), "past the end");
            }
            try (DiskHandle sd = t.k.open("/dev/sd0d")) {
                assertEquals(Errno.EINVAL, sd.discard(512, 4096), "not on a 4096-byte sector boundary");
                assertEquals(Errno.NONE, sd.discard(4096, 8192));
            }
        }
    }

    @Test
    void removedDevice_isGone() throws KernelException {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("z", line(0, 8, "zero", ""));
            DiskHandle h = t.k.open("/dev/mapper/z");
            assertEquals("[4096:" + HZ + "]", status(h, 0, 4096));
            assertEquals(4096, h.currentSize());
            h.close();
            t.call(DmTestSupport.req("remove", "name", "z", "flags", 0));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("ENXIO", status(h, 0, 4096));
            assertEquals(Errno.ENXIO, h.discard(0, 512));
            assertEquals(0, h.currentSize());
            assertEquals(Buf.DEV_BSIZE, 512);
        }
    }
}
