package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevStatusIoctlTest {
    @Test
    void info_activeAndInactivePresent() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 100, "zero", ""));
            t.reload("a", line(0, 10, "error", ""));
            PropDictionary r = t.call(req("info", "name", "a", "flags", 0x4));
            assertEquals(dict("command", "info", "flags", 0x64, "minor", 1, "name", "a", "open_count", 0,
                    "target_count", 1, "uuid", "", "version", kver()), r);
        }
    }

    @Test
    void info_noSuchDevice_ENOENT_existsCleared() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("info", "name", "x", "flags", 0x5));
            assertEquals(Errno.ENOENT, t.herr());
            assertEquals(dict("command", "info", "flags", 0x1, "name", "x", "version", kver()), r);
        }
    }

    @Test
    void mknodes_byMinorWins_overName() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.call(req("create", "name", "b", "uuid", "ub"));
            PropDictionary r = t.call(req("mknodes", "name", "a", "minor", 2));
            assertEquals("ub", r.getString("uuid"));
            assertEquals(0L, r.getUint32("flags").getAsLong());
            assertEquals(0L, r.getUint32("target_count").getAsLong());
        }
    }

    @Test
    void info_suspendFlagAdded_neverRemoved() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.call(req("suspend", "name", "a"));
            assertEquals(0x2L, t.call(req("info", "name", "a", "flags", 0)).getUint32("flags").getAsLong());
            t.resume("a");
            assertEquals(0x2L, t.call(req("info", "name", "a", "flags", 0x2)).getUint32("flags").getAsLong());
        }
    }
}
