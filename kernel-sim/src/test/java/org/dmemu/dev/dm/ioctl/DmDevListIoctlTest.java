package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevListIoctlTest {
    @Test
    void names_empty_isEmptyArray() {
        try (DmTestSupport t = new DmTestSupport()) {
            assertEquals(arr(), t.call(req("names")).getArray("cmd_data"));
        }
    }
}
