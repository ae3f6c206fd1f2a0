package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

class DmDevCreateIoctlTest {
    @Test
    void create_newDevice_minorOneExistsFlag() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("create", "name", "a", "flags", 0x40));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(dict("command", "create", "flags", 0x4, "minor", 1, "name", "a", "version", kver()), r);
        }
    }

    @Test
    void create_nameExists_returnsEEXIST_noMinor() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            PropDictionary r = t.call(req("create", "name", "a", "flags", 0));
            assertEquals(Errno.EEXIST, t.herr());
            assertEquals(dict("command", "create", "flags", 0x4, "name", "a", "version", kver()), r);
        }
    }

    @Test
    void create_uuidExists_EEXIST_minorsNeverReused() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.call(req("create", "name", "a", "uuid", "U"));
            t.call(req("create", "name", "b", "uuid", "U"));
            assertEquals(Errno.EEXIST, t.herr());
            t.call(req("remove", "name", "a"));
            PropDictionary r = t.create("c");
            assertEquals(2L, r.getUint32("minor").getAsLong());
        }
    }

    @Test
    void create_longName_truncatedTo127_readonlyStored() {
        try (DmTestSupport t = new DmTestSupport()) {
            String n = "n".repeat(200);
            t.call(req("create", "name", n, "flags", 1));
            PropDictionary r = t.call(req("suspend", "name", "n".repeat(127)));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(0x1 | 0x2 | 0x4, r.getUint32("flags").getAsLong());
        }
    }

    @Test
    void create_unnamedTwice_bothCreated() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.call(req("create"));
            t.call(req("create"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals(2, t.k.deviceMapper().devs().all().size());
        }
    }
}
