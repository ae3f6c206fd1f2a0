package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevSuspendIoctlTest {
    @Test
    void suspend_replyFlagsAreDeviceFlagsPlusExists() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "zero", ""));
            t.reload("a", line(0, 8, "zero", ""));
            PropDictionary r = t.call(req("suspend", "name", "a", "flags", 0x1000));
            assertEquals(dict("command", "suspend", "flags", 0x2 | 0x4 | 0x20 | 0x40, "minor", 1, "name", "a",
                    "open_count", 0, "version", kver()), r);
        }
    }
}
