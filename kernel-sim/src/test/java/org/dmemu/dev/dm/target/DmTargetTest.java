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
class DmTargetTest {
    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    @Test
    void atoi64_rules() {
        assertEquals(0, DmTarget.atoi64("abc"));
        assertEquals(12, DmTarget.atoi64("12abc"));
        assertEquals(0, DmTarget.atoi64("-5"));
        assertEquals(-1L, DmTarget.atoi64("18446744073709551615"));
        assertEquals(0, DmTarget.atoi64("18446744073709551616"));
    }
}
