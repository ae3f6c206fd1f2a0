package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmTableStatusIoctlTest {
    private static PropDictionary st(long start, long len, String type, int status, String params) {
        PropDictionary d = dict("start", start, "length", len, "type", type, "params", params);
        d.set("status", PropNumber.signed(status));
        return d;
    }

    @Test
    void status_infoHooks_table_tableHooks_statusFlipsPerResume() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 64, "linear", "/dev/wd1a 384"), line(64, 64, "striped", "2 16 /dev/wd0a 0 /dev/wd1a 8"),
                    line(128, 8, "zero", ""), line(136, 8, "error", ""));
            PropDictionary s = t.call(req("status", "name", "a"));
            assertEquals(dict("cmd_data", arr(st(0, 64, "linear", 1, ""), st(64, 64, "striped", 1, "2 0:0 0:16 1 AA"),
                    st(128, 8, "zero", 1, ""), st(136, 8, "error", 1, "")), "command", "status", "flags", 0x20,
                    "minor", 1, "name", "a", "version", kver()), s);
            PropDictionary tb = t.call(req("table", "name", "a", "flags", 0x10));
            assertEquals(st(0, 64, "linear", 1, "0:16 384"), tb.getArray("cmd_data").get(0));
            assertEquals(st(64, 64, "striped", 1, "2 16 0:0 0 0:16 8"), tb.getArray("cmd_data").get(1));
            assertEquals(0x30L, tb.getUint32("flags").getAsLong());
            t.reload("a", line(0, 8, "zero", ""));
            t.resume("a");
            PropDictionary s2 = t.call(req("status", "name", "a"));
            assertEquals(arr(st(0, 8, "zero", 0, "")), s2.getArray("cmd_data"));
        }
    }

    @Test
    void status_noActive_inactiveFlagFromCount_suspendAdded() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "zero", ""));
            t.call(req("suspend", "name", "a"));
            PropDictionary s = t.call(req("status", "name", "a", "flags", 0x20));
            assertEquals(0x42L, s.getUint32("flags").getAsLong());
            assertEquals(arr(), s.getArray("cmd_data"));
            PropDictionary r = t.call(req("status", "name", "nope"));
            assertEquals(Errno.ENOENT, t.herr());
            assertNull(r.get("cmd_data"));
        }
    }
}
