package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevRemoveIoctlTest {
    @Test
    void remove_open_EBUSY_closed_removed() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "linear", "/dev/wd0a 0"));
            DiskHandle h = t.k.open("/dev/mapper/a");
            PropDictionary q = req("remove", "name", "a");
            assertEquals(q.count() + 0, t.call(q).count());
            assertEquals(Errno.EBUSY, t.herr());
            h.close();
            PropDictionary r = t.call(req("remove", "name", "a"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(dict("command", "remove", "name", "a", "version", kver()), r);
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
            t.call(req("remove", "name", "a"));
            assertEquals(Errno.ENOENT, t.herr());
        }
    }
}
