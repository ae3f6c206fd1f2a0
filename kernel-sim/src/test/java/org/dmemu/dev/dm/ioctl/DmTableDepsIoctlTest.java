package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmTableDepsIoctlTest {
    @Test
    void deps_devTsDedupedInOrder_inactiveWithFlag() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "linear", "/dev/wd1a 0"), line(8, 8, "linear", "/dev/wd0d 0"),
                    line(16, 8, "linear", "/dev/wd1a 8"));
            PropDictionary r = t.call(req("deps", "minor", 1));
            assertEquals(dict("cmd_data", arr(PropNumber.unsigned(16), PropNumber.unsigned(3)), "command", "deps",
                    "minor", 1, "name", "a", "uuid", "", "version", kver()), r);
            t.reload("a", line(0, 8, "linear", "/dev/sd0a 0"));
            r = t.call(req("deps", "name", "a", "flags", 0x1000));
            assertEquals(arr(PropNumber.unsigned(0x400)), r.getArray("cmd_data"));
            r = t.call(req("deps", "name", "zz"));
            assertNull(r.get("cmd_data"));
        }
    }
}
