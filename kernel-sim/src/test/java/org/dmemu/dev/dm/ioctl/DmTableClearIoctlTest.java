package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmTableClearIoctlTest {
    @Test
    void clear_destroysInactive_clearsFlag() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "linear", "/dev/wd0a 0"));
            assertEquals(dict("command", "clear", "name", "a", "version", kver()), t.call(req("clear", "name", "a")));
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
            assertEquals(0x4L, t.call(req("suspend", "name", "a")).getUint32("flags").getAsLong() & ~0x2L);
        }
    }
}
