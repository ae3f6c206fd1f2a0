package org.dmemu.conform;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropString;
import org.junit.jupiter.api.Test;

/** One test per lint rule (docs/lint.md), and silence for what libdm sends. */
class LintTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    private List<String> lint(Lint l, PropDictionary req, String who) {
        buf.reset();
        byte[] x = PropKern.externalizeRequest(req);
        IoctlResult r = l.ioctl(NetbsdDm.NETBSD_DM_IOCTL, x, who);
        assertNotNull(r);
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private Lint lint(DmTestSupport t) {
        return new Lint(t.k, new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    private static void one(List<String> w, String... parts) {
        assertEquals(1, w.size(), w.toString());
        for (String p : parts) {
            assertTrue(w.get(0).contains(p), w.get(0) + " lacks: " + p);
        }
    }

    @Test
    void libdmRequests_noWarnings() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            assertEquals(List.of(), lint(l, req("create", "name", "v", "flags", 4), "item 1"));
            assertEquals(List.of(), lint(l, req("reload", "name", "v", "flags", 4, "cmd_data",
                    arr(line(0, 64, "linear", "/dev/wd1d 100"))), "item 2"));
            assertEquals(List.of(), lint(l, req("resume", "name", "v", "flags", 4), "item 3"));
            assertEquals(List.of(), lint(l, req("info", "name", "v", "flags", 4), "item 4"));
            assertEquals(List.of(), lint(l, req("names", "cmd_data", arr()), "item 5"));
        }
    }

    @Test
    void handlerError_visibleOnlyAsMissingExistsFlag_orNotAtAll() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            one(lint(l, req("info", "name", "nosuch", "flags", 4), "item 7"),
                    "dmemu lint: item 7 (info \"nosuch\") command: the handler failed with ENOENT (2)",
                    "DM_EXISTS_FLAG missing from flags", "device-mapper.c dmioctl", "(handler-error)");
            one(lint(l, req("frobnicate"), "item 8"), "failed with EINVAL", "nothing in the reply shows it");
            PropDictionary old = req("names");
            PropArray v = new PropArray();
            v.addUint32(3);
            v.addUint32(0);
            v.addUint32(0);
            old.set("version", v);
            one(lint(l, old, "item 9"), "failed with EIO");
        }
        try (DmTestSupport t = new DmTestSupport(Set.of(), true)) { // --strict-errno: the ioctl fails visibly
            assertEquals(List.of(), lint(lint(t), req("info", "name", "nosuch"), "item 1"));
        }
    }

    @Test
    void signedness_unsignedKeysGivenSignedOrWrongType() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            one(lint(l, req("create", "name", "v", "flags", PropNumber.signed(4)), "item 1"),
                    "flags: signed (decimal) 4 where the kernel reads an unsigned number with prop_dictionary_get_uint32",
                    "a handler that changes a flag writes it back unsigned (hex)", "sys/dev/dm/dm_ioctl.c", "(signedness)");
            one(lint(l, req("info", "name", "v", "flags", PropNumber.signed(-1)), "item 2"),
                    "flags: signed -1 is outside the range", "prop_dictionary_get_uint32 fails and the kernel keeps its default");
            one(lint(l, req("info", "name", "v", "minor", PropString.of("1")), "item 3"),
                    "minor: a string, not a number: prop_dictionary_get_uint32 fails");
            PropDictionary e = line(0, 8, "zero", "");
            e.set("length", PropNumber.signed(-8));
            List<String> w = lint(l, req("reload", "name", "v", "cmd_data", arr(e)), "item 4");
            one(w, "cmd_data[0].length: signed -8", "prop_dictionary_get_uint64 fails", "dm_table_load_ioctl");
            PropDictionary sv = req("names");
            PropArray v = new PropArray();
            v.add(PropNumber.signed(4));
            v.addUint32(0);
            v.addUint32(0);
            sv.set("version", v);
            one(lint(l, sv, "item 5"), "version[0]: signed (decimal) 4", "prop_array_get_uint32", "dm_check_version",
                    "the reply writes it back unsigned (hex)");
        }
    }

    @Test
    void argc_moreThanTwentyTokensAreCut() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            t.create("v");
            String params = "/dev/wd1d 0" + " x".repeat(23);
            List<String> w = lint(l, req("reload", "name", "v", "cmd_data", arr(line(0, 8, "linear", params))), "item 2");
            assertEquals(2, w.size(), w.toString()); // the cut makes linear's init fail: EINVAL
            assertTrue(w.get(0).contains("cmd_data[0].params: 25 tokens; only the first 20 reach linear's init"
                    + " (DM_MAX_ARGC), tokens 21-25 are dropped"), w.get(0));
            assertTrue(w.get(1).contains("failed with EINVAL"), w.get(1));
        }
    }

    @Test
    void unknownKeys_topLevelAndInEntries() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            t.create("v");
            PropDictionary e = line(0, 8, "zero", "");
            e.set("status", PropNumber.signed(0));
            List<String> w = lint(l, req("reload", "name", "v", "event_nr", 0, "cmd_data", arr(e)), "item 2");
            assertEquals(2, w.size(), w.toString());
            assertTrue(w.get(0).contains("event_nr: no dm handler reads this key"), w.get(0));
            assertTrue(w.get(1).contains("cmd_data[0].status: dm_table_load_ioctl reads only start, length, type and params"),
                    w.get(1));
        }
    }

    @Test
    void renameOntoAnExistingName_theRenamedDeviceVanishes() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            t.create("a");
            t.create("b");
            one(lint(l, req("rename", "name", "a", "cmd_data", arr("b")), "item 3"),
                    "cmd_data[0]: \"b\" is the name of another device (minor 2); the renamed device (minor 1) leaves"
                            + " the device list", "dm_dev_rename_ioctl", "(rename-clash)");
            assertNull(t.k.deviceMapper().devs().byMinor(1));
            assertEquals(List.of(), lint(l, req("rename", "name", "b", "cmd_data", arr("c")), "item 4"));
        }
    }

    /** Issue 16 point 12: a rename while a read is inside the device's table (held in a delay target). */
    @Test
    @org.junit.jupiter.api.Timeout(120) // a hang guard, not a timing assertion
    void renameWithIoInFlight_warns() throws Exception {
        try (DmTestSupport t = new DmTestSupport(java.util.Set.of("delay"), false)) {
            Lint l = lint(t);
            t.up("slow", line(0, 8, "delay", "/dev/wd1d 0 20000"));
            assertEquals(List.of(), lint(l, req("rename", "name", "slow", "cmd_data", arr("idle")), "item 4"));
            var head = t.k.deviceMapper().devs().byName("idle").tableHead();
            Thread reader = new Thread(() -> t.io("/dev/mapper/idle", true, 0, new byte[512]));
            reader.start();
            try {
                while (head.readerCount() == 0) {
                    Thread.yield(); // until the read is inside the table
                }
                one(lint(l, req("rename", "name", "idle", "cmd_data", arr("busy")), "item 5"),
                        "name: 1 I/O request(s) in flight", "dm_dev_rem", "(rename-inflight)");
            } finally {
                reader.interrupt(); // ends the delay
                reader.join();
            }
        }
    }

    @Test
    void resumeWithoutInactiveTable_dropsTheActiveOne() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            t.up("v", line(0, 8, "zero", ""), line(8, 8, "zero", ""));
            one(lint(l, req("resume", "name", "v"), "item 4"), "the active table of 2 entries is destroyed",
                    "dm_dev_resume_ioctl", "(resume-drops)");
            assertEquals(0, t.k.deviceMapper().devs().byName("v").tableHead().count(false));
            assertEquals(List.of(), lint(l, req("resume", "name", "v"), "item 5")); // nothing left to drop
        }
    }

    @Test
    void componentOverTheLabelSector() {
        try (DmTestSupport t = new DmTestSupport()) {
            Lint l = lint(t);
            t.create("v");
            one(lint(l, req("reload", "name", "v", "cmd_data", arr(line(0, 8, "linear", "/dev/wd1d 0"))), "item 2"),
                    "cmd_data: table entry 0", "cover the disklabel sector 1 of wd1", "bounds_check_with_label", "(label-area)");
        }
    }

    @Test
    void controlTap_namesRequestsByNumberAndClient() {
        try (DmTestSupport t = new DmTestSupport()) {
            ControlTap tap = new ControlTap(null, true, new PrintStream(buf, true, StandardCharsets.UTF_8));
            byte[] x = PropKern.externalizeRequest(req("info", "name", "nosuch"));
            tap.ioctl(t.k, NetbsdDm.NETBSD_DM_IOCTL, x, "connection 3");
            tap.ioctl(t.k, NetbsdDm.NETBSD_DM_IOCTL, x, "connection 4");
            String s = buf.toString(StandardCharsets.UTF_8);
            assertTrue(s.startsWith("dmemu lint: request 1 from connection 3 (info \"nosuch\") command:"), s);
            assertTrue(s.contains("\ndmemu lint: request 2 from connection 4 (info"), s);
        }
    }
}
