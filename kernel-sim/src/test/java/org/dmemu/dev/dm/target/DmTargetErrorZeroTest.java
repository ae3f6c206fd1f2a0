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
class DmTargetErrorZeroTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
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
}
