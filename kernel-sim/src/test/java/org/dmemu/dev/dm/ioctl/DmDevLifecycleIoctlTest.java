package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskHandle;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** suspend, resume, remove, rename, clear, names, targets, deps. */
class DmDevLifecycleIoctlTest {
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

    @Test
    void targets_builtinsInOrder() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("targets"));
            assertEquals(arr(dict("name", "linear", "ver", arr(1, 0, 2)), dict("name", "striped", "ver", arr(1, 0, 3)),
                    dict("name", "error", "ver", arr(1, 0, 0)), dict("name", "zero", "ver", arr(1, 0, 0))),
                    r.getArray("cmd_data"));
        }
    }

    @Test
    void names_empty_isEmptyArray() {
        try (DmTestSupport t = new DmTestSupport()) {
            assertEquals(arr(), t.call(req("names")).getArray("cmd_data"));
        }
    }

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
