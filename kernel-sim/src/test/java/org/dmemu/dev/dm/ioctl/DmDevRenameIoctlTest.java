package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevRenameIoctlTest {
    @Test
    void rename_keepsOldNameInReply_movesToTail() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.create("b");
            PropDictionary r = t.call(req("rename", "name", "a", "cmd_data", arr("z")));
            assertEquals(dict("cmd_data", arr("z"), "command", "rename", "minor", 1, "name", "a", "open_count", 0,
                    "uuid", "", "version", kver()), r);
            PropDictionary n = t.call(req("names"));
            assertEquals(arr(dict("dev", 2, "name", "b"), dict("dev", 1, "name", "z")), n.getArray("cmd_data"));
        }
    }

    @Test
    void rename_tooLong_EINVAL_beforeLookup_clash_vanishes() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.call(req("rename", "name", "none", "cmd_data", arr("x".repeat(128))));
            assertEquals(Errno.EINVAL, t.herr());
            t.create("a");
            t.create("b");
            t.call(req("rename", "name", "a", "cmd_data", arr("b")));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(1, t.call(req("names")).getArray("cmd_data").count());
        }
    }

    @Test
    void rename_byUuid_comparesNames() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.call(req("create", "name", "a", "uuid", "U"));
            t.call(req("rename", "uuid", "U", "cmd_data", arr("c")));
            assertEquals(Errno.ENOENT, t.herr());
            t.call(req("rename", "uuid", "a", "cmd_data", arr("c")));
            assertEquals(Errno.NONE, t.herr());
        }
    }
}
