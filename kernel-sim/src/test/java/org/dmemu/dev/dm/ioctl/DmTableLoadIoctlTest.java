package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmTableLoadIoctlTest {
    private static PropDictionary st(long start, long len, String type, int status, String params) {
        PropDictionary d = dict("start", start, "length", len, "type", type, "params", params);
        d.set("status", PropNumber.signed(status));
        return d;
    }

    @Test
    void reload_success_setsInactivePresent_cmdDataUnchanged() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            PropDictionary r = t.reload("a", line(0, 100, "linear", "/dev/wd1a 384"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(dict("cmd_data", arr(line(0, 100, "linear", "/dev/wd1a 384")), "command", "reload",
                    "flags", 0x40, "minor", 1, "name", "a", "version", kver()), r);
        }
    }

    @Test
    void reload_unknownTarget_ENOENT_leftoversKeptBehindNextLoad() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            PropDictionary r = t.reload("a", line(0, 8, "zero", ""), line(8, 8, "mirror", "x"));
            assertEquals(Errno.ENOENT, t.herr());
            assertEquals(0L, r.getUint32("flags").getAsLong());
            t.reload("a", line(100, 8, "error", ""));
            PropDictionary s = t.call(req("table", "name", "a", "flags", 0x1010));
            assertEquals(arr(st(100, 8, "error", 0, ""), st(0, 8, "zero", 0, "")), s.getArray("cmd_data"));
        }
    }

    @Test
    void reload_initError_EINVAL_destroysInactive_noDevicePath_ENOENT() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "linear", "/dev/wd1a 0"));
            t.reload("a", line(0, 8, "linear", "/dev/wd1a"));
            assertEquals(Errno.EINVAL, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
            for (String p : new String[] {"/etc/passwd 0", "../x 0", "/dev/rwd1d 0", "/dev/wd1b 0", "/dev/wd9a 0"}) {
                t.reload("a", line(0, 8, "linear", p));
                assertEquals(Errno.ENOENT, t.herr(), p);
            }
            t.reload("a", line(0, 8, "zero", null));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("a", line(0, 8, "zero", "x"));
            assertEquals(Errno.EINVAL, t.herr());
        }
    }

    @Test
    void reload_emptyCmdData_succeeds_infoReportsNoInactive() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            assertEquals(0x40L, t.reload("a").getUint32("flags").getAsLong());
            assertEquals(0L, t.call(req("info", "name", "a")).getUint32("flags").getAsLong());
        }
    }

    @Test
    void reload_noDevice_ENOENT() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.reload("zz", line(0, 8, "zero", ""));
            assertEquals(Errno.ENOENT, t.herr());
            assertNull(r.get("minor"));
        }
    }
}
