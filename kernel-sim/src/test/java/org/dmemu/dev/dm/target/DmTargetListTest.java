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
class DmTargetListTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
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
}
