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
class DmTargetDelayTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
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

    /** Issue 16 point 10: MS * hz overflowed an int above 21,474,836 ms. */
    @Test
    void delay_hugeMilliseconds_ticksComputedWithoutOverflow() {
        try (DmTestSupport t = new DmTestSupport(Set.of("delay"), false)) {
            t.create("a");
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 0 30000000"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("0:16 0 3000000", tableParams(t, "a", 0x1010));
            t.reload("a", line(0, 8, "delay", "/dev/wd1a 0 2147483647"));
            assertEquals("0:16 0 214748364", tableParams(t, "a", 0x1010));
            // below the overflow both computations agree
            assertEquals(2147483, DmTargetDelay.ticks(21474836));
            assertEquals(0, DmTargetDelay.ticks(9));
            assertEquals(-1, DmTargetDelay.ticks(-10));
        }
    }
}
