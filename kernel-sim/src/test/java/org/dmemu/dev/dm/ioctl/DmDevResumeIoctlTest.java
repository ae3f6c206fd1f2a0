package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevResumeIoctlTest {
    @Test
    void resume_withoutTable_dropsMapping_replyFlags() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "zero", ""));
            PropDictionary r = t.call(req("resume", "name", "a", "flags", 0x100));
            assertEquals(dict("command", "resume", "flags", 0x104, "minor", 1, "name", "a", "open_count", 0,
                    "version", kver()), r);
            assertEquals(0L, t.call(req("info", "name", "a")).getUint32("target_count").getAsLong());
        }
    }

    @Test
    void resume_noDevice_ENOENT() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("resume", "name", "q", "flags", 4));
            assertEquals(Errno.ENOENT, t.herr());
            assertEquals(0L, r.getUint32("flags").getAsLong());
        }
    }
}
