package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Set;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** Params parsing, table/status strings and I/O of every target. */
class DmTargetFlakeyTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    @Test
    void flakey_paramsTableAndPhases() {
        try (DmTestSupport t = new DmTestSupport(Set.of("flakey"), false)) {
            t.create("a");
            for (String bad : new String[] {"/dev/wd1a 0 1", "/dev/wd1a 0 0 0", "/dev/wd1a 0 1 1 7",
                    "/dev/wd1a 0 1 1 1 bogus", "/dev/wd1a 0 1 1 5 corrupt_bio_byte 0 r 1 0",
                    "/dev/wd1a 0 1 1 5 corrupt_bio_byte 1 x 1 0", "/dev/wd1a 0 1 1 5 corrupt_bio_byte 1 r 256 0",
                    "/dev/wd1a 0 0 1 6 drop_writes corrupt_bio_byte 1 w 1 0"}) {
                t.reload("a", line(0, 8, "flakey", bad));
                assertEquals(Errno.EINVAL, t.herr(), bad);
            }
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 7 3 4 6 drop_writes corrupt_bio_byte 2 r 255 0"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("0:16 10000 3 4 6 drop_writes corrupt_bio_byte 2 r 255 0", tableParams(t, "a", 0x1010));
            t.resume("a");
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 0, new byte[512]).error()); // always up
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 0 0 5"));
            assertEquals("0:16 10000 0 5 0", tableParams(t, "a", 0x1010));
            t.resume("a");
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 0, new byte[512]).error()); // always down
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", false, 0, new byte[512]).error());
            t.reload("a", line(0, 8, "flakey", "/dev/wd1a 0 0 5 1 drop_writes"));
            t.resume("a");
            byte[] w = new byte[512];
            Arrays.fill(w, (byte) 1);
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 0, w).error());
            byte[] r = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 0, r).error());
            assertArrayEquals(new byte[512], r); // the write was dropped
        }
    }
}
