package org.dmemu.libdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.xml.PropExternalizer;
import org.junit.jupiter.api.Test;

class LibdmTaskTest {
    /** userland.md §5.3: C-RL1 in full. */
    static final String C_RL1 = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
            \t<key>cmd_data</key>
            \t<array>
            \t\t<dict>
            \t\t\t<key>length</key>
            \t\t\t<integer>0x5000</integer>
            \t\t\t<key>params</key>
            \t\t\t<string>/dev/wd1a 0</string>
            \t\t\t<key>start</key>
            \t\t\t<integer>0x0</integer>
            \t\t\t<key>type</key>
            \t\t\t<string>linear</string>
            \t\t</dict>
            \t</array>
            \t<key>command</key>
            \t<string>reload</string>
            \t<key>name</key>
            \t<string>test0</string>
            \t<key>version</key>
            \t<array>
            \t\t<integer>0x4</integer>
            \t\t<integer>0x0</integer>
            \t\t<integer>0x0</integer>
            \t</array>
            </dict>
            </plist>
            """;

    @Test
    void reloadRequest_isByteForByteC_RL1_withNul() {
        LibdmTask t = LibdmTask.create("reload");
        t.setName("test0");
        LibdmCmd cmd = LibdmCmd.create();
        LibdmTable e = LibdmTable.create();
        e.setStart(0);
        e.setLength(20480);
        e.setTarget("linear");
        e.setParams("/dev/wd1a 0");
        cmd.setTable(e);
        t.setCmd(cmd);
        CaptureTransport ct = new CaptureTransport(d -> d);
        assertEquals(0, t.run(ct));
        byte[] expect = (C_RL1 + "\0").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expect, ct.raw.get(0));
        assertEquals(List_of(0xC010FD00L), ct.cmds);
    }

    private static java.util.List<Long> List_of(long v) {
        return java.util.List.of(v);
    }

    @Test
    void create_versionOnlyForCmdVerCommands() {
        for (String c : LibdmTask.CMD_VER) {
            PropArray v = LibdmTask.create(c).dictionary().getArray("version");
            assertEquals(3, v.count(), c);
            assertEquals("[0x4, 0x0, 0x0]", v.toString(), c);
        }
        for (String c : new String[] {"remove_all", "waitevent", "message", "setgeometry", "Version", "frob"}) {
            PropDictionary d = LibdmTask.create(c).dictionary();
            assertNull(d.get("version"), c);
            assertEquals(java.util.List.of("command"), d.keys(), c);
        }
    }

    @Test
    void run_replacesDictionaryWithReply() {
        LibdmTask t = LibdmTask.create("info");
        t.setName("a");
        CaptureTransport ct = new CaptureTransport(d -> {
            d.setUint32("minor", 3);
            d.setString("uuid", "U");
            d.setUint32("target_count", 2);
            d.setUint32("open_count", 0);
            d.setUint32("flags", 0x20);
            return d;
        });
        assertEquals(0, t.run(ct));
        assertEquals(3, t.getMinor());
        assertEquals("U", t.getUuid());
        assertEquals(2, t.getTargetNum());
        assertEquals(0x20, t.getFlags());
        assertEquals("a", t.getName());
        assertEquals("info", t.getCommand());
    }

    @Test
    void run_transportErrno_returnedAndTaskKept() {
        LibdmTask t = LibdmTask.create("version");
        PropDictionary before = t.dictionary();
        assertEquals(2, t.run(new CaptureTransport(2)));
        assertSame(before, t.dictionary());
    }

    @Test
    void run_replyNotADictionary_EIO() {
        LibdmTask t = LibdmTask.create("version");
        DmTransport bad = (cmd, plist) -> new IoctlResult(0,
                (new String(PropExternalizer.externalize(new PropArray()), StandardCharsets.UTF_8) + "\0")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(5, t.run(bad));
        DmTransport garbage = (cmd, plist) -> new IoctlResult(0, "<plist>\0".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, t.run(garbage));
    }

    @Test
    void flagHelpers_readModifyWrite() {
        LibdmTask t = LibdmTask.create("suspend");
        t.setSuspendFlag();
        assertEquals(0x2, t.getFlags());
        t.setExistsFlag();
        t.setStatusFlag();
        assertEquals(0x16, t.getFlags());
        t.delSuspendFlag();
        assertEquals(0x14, t.getFlags());
        assertEquals("0x14", t.dictionary().get("flags").toString());
    }

    @Test
    void cmdVersion_countLargerThanN_returnsMinusCount() {
        LibdmTask t = LibdmTask.create("version");
        long[] v = {9, 9, 9};
        assertEquals(3, t.getCmdVersion(v, 3));
        assertArrayEquals(new long[] {4, 0, 0}, v);
        assertEquals(-3, t.getCmdVersion(v, 2));
    }

    @Test
    void newname_replacesElementZero() {
        LibdmCmd c = LibdmCmd.create();
        assertEquals(0, c.setNewname("a"));
        assertEquals(0, c.setNewname("b"));
        assertEquals(1, c.array().count());
        assertEquals("b", c.array().getString(0));
        assertEquals(2, c.setNewname(null));
    }

    @Test
    void iterators_readReplyElements() {
        PropArray a = new PropArray();
        PropDictionary dev = new PropDictionary();
        dev.setUint32("dev", 7);
        dev.setString("name", "x");
        a.add(dev);
        LibdmIter it = new LibdmCmd(a).iter();
        LibdmDev d = it.getDev();
        assertEquals("x", d.getName());
        assertEquals(7, d.getMinor());
        assertNull(it.getDev());
        PropArray deps = new PropArray();
        deps.add(org.dmemu.proplib.PropNumber.unsigned(0x10));
        LibdmIter di = new LibdmCmd(deps).iter();
        assertEquals(0x10, di.getDeps());
        assertEquals(0, di.getDeps());
    }
}
