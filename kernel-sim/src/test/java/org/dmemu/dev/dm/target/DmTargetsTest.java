package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Set;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** Params parsing, table/status strings and I/O of every target. */
class DmTargetsTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    @Test
    void atoi64_rules() {
        assertEquals(0, DmTarget.atoi64("abc"));
        assertEquals(12, DmTarget.atoi64("12abc"));
        assertEquals(0, DmTarget.atoi64("-5"));
        assertEquals(-1L, DmTarget.atoi64("18446744073709551615"));
        assertEquals(0, DmTarget.atoi64("18446744073709551616"));
    }

    @Test
    void linear_argcAndTable() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "linear", "/dev/wd1a 1 2"));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("a", line(0, 8, "linear", " \t/dev/wd1a\t\t12abc  "));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("0:16 12", tableParams(t, "a", 0x1010));
            assertEquals("", tableParams(t, "a", 0x1000));
        }
    }

    @Test
    void linear_readIsPdevReadAtOffset() {
        try (DmTestSupport t = new DmTestSupport()) {
            byte[] w = new byte[4096];
            Arrays.fill(w, (byte) 0x5a);
            assertEquals(Errno.NONE, t.io("/dev/wd1a", false, 400, w).error());
            t.up("a", line(0, 1000, "linear", "/dev/wd1a 384"));
            byte[] r = new byte[4096];
            Buf bp = t.io("/dev/mapper/a", true, 16, r);
            assertEquals(Errno.NONE, bp.error());
            assertEquals(0, bp.resid());
            assertArrayEquals(w, r);
        }
    }

    @Test
    void striped_parsing_countIs8Bit_missingPairsENOENT() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "striped", "2"));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("a", line(0, 8, "striped", "2 8 /dev/wd0a 0"));
            assertEquals(Errno.ENOENT, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
            t.reload("a", line(0, 8, "striped", "257 8 /dev/wd0a 5 extra tokens"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("1 8 0:0 5", tableParams(t, "a", 0x1010));
            assertEquals("1 0:0 1 A", tableParams(t, "a", 0x1000));
        }
    }

    @Test
    void striped_countZero_ioFailsEIO() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "striped", "256 8"));
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 0, new byte[512]).error());
        }
    }

    @Test
    void striped_dataLandsOnTheRightDisks() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 64, "striped", "2 4 /dev/wd0a 100 /dev/wd1a 200"));
            byte[] w = new byte[64 * 512];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) (i / 512);
            }
            Buf bp = t.io("/dev/mapper/a", false, 0, w);
            assertEquals(Errno.NONE, bp.error());
            byte[] r = new byte[512];
            t.io("/dev/wd1a", true, 200 + 5, r);
            assertEquals(13, r[0]); // dm sector 13 = chunk 3 (odd -> wd1), row 1, offset 1
            t.io("/dev/wd0a", true, 100 + 4, r);
            assertEquals(8, r[0]);
        }
    }

    @Test
    void error_and_zero() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("e");
            t.reload("e", line(0, 8, "error", "x"));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("e", line(0, 8, "error", ""));
            t.resume("e");
            Buf bp = t.io("/dev/mapper/e", true, 0, new byte[1024]);
            assertEquals(Errno.EIO, bp.error());
            assertEquals(1024, bp.resid());
            t.up("z", line(0, 8, "zero", " "));
            byte[] w = new byte[1024];
            Arrays.fill(w, (byte) 9);
            bp = t.io("/dev/mapper/z", false, 0, w);
            assertEquals(Errno.NONE, bp.error());
            assertArrayEquals(new byte[1024], w); // the write's own buffer is zeroed
        }
    }

    @Test
    void delayAndFlakey_absentByDefault() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 0 10"));
            assertEquals(Errno.ENOENT, t.herr());
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 0 1 1"));
            assertEquals(Errno.ENOENT, t.herr());
        }
    }

    @Test
    void delay_paramsAndTableInTicks() {
        try (DmTestSupport t = new DmTestSupport(Set.of("delay", "flakey"), false)) {
            PropArray tg = t.call(req("targets")).getArray("cmd_data");
            assertEquals(dict("name", "delay", "ver", arr(1, 0, 0)), tg.get(4));
            assertEquals(dict("name", "flakey", "ver", arr(1, 0, 0)), tg.get(5));
            t.create("a");
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 0"));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 3 20 /dev/wd0a 4 0"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("0:16 3 2 0:0 4 0", tableParams(t, "a", 0x1010));
            assertEquals("", tableParams(t, "a", 0x1000));
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 3 0"));
            assertEquals("0:16 3 0", tableParams(t, "a", 0x1010));
            t.resume("a");
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 0, new byte[512]).error());
        }
    }

    @Test
    void flakey_paramsTableAndPhases() {
        try (DmTestSupport t = new DmTestSupport(Set.of("flakey"), false)) {
            t.create("a");
            for (String bad : new String[] {"/dev/wd1a 0 1", "/dev/wd1a 0 0 0", "/dev/wd1a 0 1 1 7",
                    "/dev/wd1a 0 1 1 1 bogus", "/dev/wd1a 0 1 1 5 corrupt_bio_byte 0 r 1 0",
                    "/dev/wd1a 0 1 1 5 corrupt_bio_byte 1 x 1 0", "/dev/wd1a 0 1 1 5 corrupt_bio_byte 1 r 256 0",
                    "/dev/wd1a 0 0 1 6 drop_writes corrupt_bio_byte 1 w 1 0"}) {
                t.reload("a", line(0, 8, "flakey", bad));
                assertEquals(Errno.EINVAL, t.herr(), bad);
            }
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 7 3 4 6 drop_writes corrupt_bio_byte 2 r 255 0"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("0:16 10000 3 4 6 drop_writes corrupt_bio_byte 2 r 255 0", tableParams(t, "a", 0x1010));
            t.resume("a");
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 0, new byte[512]).error()); // always up
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 0 0 5"));
            assertEquals("0:16 10000 0 5 0", tableParams(t, "a", 0x1010));
            t.resume("a");
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 0, new byte[512]).error()); // always down
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", false, 0, new byte[512]).error());
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 0 0 5 1 drop_writes"));
            t.resume("a");
            byte[] w = new byte[512];
            Arrays.fill(w, (byte) 1);
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 0, w).error());
            byte[] r = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 0, r).error());
            assertArrayEquals(new byte[512], r); // the write was dropped
        }
    }
}
