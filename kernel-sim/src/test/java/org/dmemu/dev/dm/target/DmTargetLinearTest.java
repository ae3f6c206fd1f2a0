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
class DmTargetLinearTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
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
    void linear_nestedEROFS_failsTheDmRequest() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 64, "linear", "/dev/wd1a 0"), line(64, 64, "linear", "/dev/wd1d 0"));
            Buf bp = t.io("/dev/mapper/a", false, 0, new byte[2048]);
            assertEquals(Errno.EROFS, bp.error());
            assertEquals(2048, bp.resid());
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 64, new byte[2048]).error());
        }
    }
}
