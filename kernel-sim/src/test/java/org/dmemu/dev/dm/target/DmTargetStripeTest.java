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
class DmTargetStripeTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    @Test
    void striped_parsing_countIs8Bit_missingPairsENOENT() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "striped", "2"));
            assertEquals(Errno.EINVAL, t.herr());
            t.reload("a", line(0, 8, "striped", "2 8 /dev/wd0a 0"));
            assertEquals(Errno.ENOENT, t.herr());
            assertTrue(t.k.deviceMapper().pdevs().snapshot().isEmpty());
            t.reload("a", line(0, 8, "striped", "257 8 /dev/wd0a 5 extra tokens"));
            assertEquals(Errno.NONE, t.herr());
            assertEquals("1 8 0:0 5", tableParams(t, "a", 0x1010));
            assertEquals("1 0:0 1 A", tableParams(t, "a", 0x1000));
        }
    }

    @Test
    void striped_countZero_ioFailsEIO() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "striped", "256 8"));
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 0, new byte[512]).error());
        }
    }

    @Test
    void striped_dataLandsOnTheRightDisks() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 64, "striped", "2 4 /dev/wd0a 100 /dev/wd1a 200"));
            byte[] w = new byte[64 * 512];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) (i / 512);
            }
            Buf bp = t.io("/dev/mapper/a", false, 0, w);
            assertEquals(Errno.NONE, bp.error());
            byte[] r = new byte[512];
            t.io("/dev/rwd1a", true, 200 + 5, r);
            assertEquals(13, r[0]); // dm sector 13 = chunk 3 (odd -> wd1), row 1, offset 1
            t.io("/dev/rwd0a", true, 100 + 4, r);
            assertEquals(8, r[0]);
        }
    }
}
