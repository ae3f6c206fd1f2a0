package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmListVersionsIoctlTest {
    @Test
    void targets_builtinsInOrder() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("targets"));
            assertEquals(arr(dict("name", "linear", "ver", arr(1, 0, 2)), dict("name", "striped", "ver", arr(1, 0, 3)),
                    dict("name", "error", "ver", arr(1, 0, 0)), dict("name", "zero", "ver", arr(1, 0, 0))),
                    r.getArray("cmd_data"));
        }
    }
}
