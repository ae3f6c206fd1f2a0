package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dmemu.libdm.CaptureTransport;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.junit.jupiter.api.Test;

/**
 * dmsetup's requests against a recording transport that echoes each request back (so every
 * device "exists"): the dictionaries of userland.md §5.2 (L-VER … L-WAIT), in order.
 */
class DmsetupRequestTest {
    static final String V = "version=[0x4, 0x0, 0x0]";
    static final String L_VER = "{cmd_data=[], command=version, flags=0x4, " + V + "}";
    private String stdout;
    private String stderr;
    private int rc;

    private List<String> requests(UnaryOperator<PropDictionary> reply, String stdin, String... args) {
        CaptureTransport t = new CaptureTransport(reply);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        rc = Dmsetup.run(t, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        stdout = o.toString(StandardCharsets.UTF_8);
        stderr = e.toString(StandardCharsets.UTF_8);
        return t.requests.stream().map(Object::toString).toList();
    }

    private List<String> requests(String... args) {
        return requests(d -> d, "", args);
    }

    private static String simple(String command, String extra) {
        return "{cmd_data=[], command=" + command + ", " + extra + ", " + V + "}";
    }

    @Test
    void version_targets_ls() {
        assertEquals(List.of(L_VER, L_VER), requests("version"));
        assertEquals("Library version:   1.02.40 (2009-11-24)\nDriver version:    4.0.0\n", stdout);
        assertEquals(List.of(L_VER, simple("targets", "flags=0x4")), requests("targets"));
        assertEquals(List.of(L_VER, simple("names", "flags=0x4")), requests("ls"));
        assertEquals(List.of(L_VER, L_VER), requests("--version"));
    }

    @Test
    void info_byNameUuidNumber_inactive() {
        assertEquals(List.of(L_VER, simple("info", "flags=0x4, name=vol0")), requests("info", "vol0"));
        assertEquals(List.of(L_VER, simple("info", "flags=0x4, uuid=UU1")), requests("info", "-u", "UU1"));
        assertEquals(List.of(L_VER, simple("info", "flags=0xc, minor=0x1")), requests("info", "-j", "169", "-m", "1"));
        assertEquals(List.of(L_VER, simple("info", "flags=0x1004, name=vol0")), requests("--inactive", "info", "vol0"));
    }

    @Test
    void create_notable_uuid_minor() {
        assertEquals(List.of(L_VER, simple("create", "flags=0x4, name=vol0")), requests("create", "vol0", "--notable"));
        assertEquals(List.of(L_VER, simple("create", "flags=0x4, name=vol0, uuid=UU1")),
                requests("create", "vol0", "-u", "UU1", "--notable"));
        assertEquals(List.of(L_VER, simple("create", "flags=0xc, minor=0x7, name=vol0")),
                requests("create", "vol0", "-j", "169", "-m", "7", "--notable"));
        assertEquals(List.of(L_VER), requests("create", "vol0", "-j", "3", "-m", "7", "--notable"),
                "another major: the request is not sent");
        assertEquals(1, rc);
        assertEquals("Command failed\n", stderr);
    }

    @Test
    void createWithTable_threeSteps() {
        String tbl = "[{length=0x400, params=, start=0x0, type=zero}]";
        assertEquals(List.of(L_VER, simple("create", "flags=0x4, name=vol0, uuid=UU1"),
                "{cmd_data=" + tbl + ", command=reload, flags=0x4, name=vol0, " + V + "}",
                "{cmd_data=" + tbl + ", command=resume, flags=0x4, name=vol0, " + V + "}"),
                requests("create", "vol0", "-u", "UU1", "--table", "0 1024 zero"));
        assertEquals("create and load called \n", stdout);
        assertEquals(0, rc);
        assertEquals(List.of(L_VER, simple("create", "flags=0x4, name=vol0"),
                "{cmd_data=" + tbl + ", command=reload, flags=0x5, name=vol0, " + V + "}",
                "{cmd_data=" + tbl + ", command=resume, flags=0x5, name=vol0, " + V + "}"),
                requests("-r", "create", "vol0", "--table", "0 1024 zero"));
        assertEquals(List.of(L_VER, simple("create", "flags=0x4, name=vol0")),
                requests(d -> d, "", "create", "vol0"), "empty stdin: create only");
        assertEquals("", stdout);
    }

    @Test
    void load_fromStdin_commentsAndBlankLines() {
        assertEquals(List.of(L_VER, "{cmd_data=[{length=0x5000, params=/dev/wd1a 0, start=0x0, type=linear}], "
                + "command=reload, flags=0x4, name=vol0, " + V + "}"),
                requests(d -> d, "0 20480 linear /dev/wd1a 0\n", "load", "vol0"));
        assertEquals(List.of(L_VER, "{cmd_data=[{length=0x800, params=/dev/wd1a 0  , start=0x0, type=linear}], "
                + "command=reload, flags=0x4, name=vol0, " + V + "}"),
                requests(d -> d, "\n# a comment\n  0 2048 linear /dev/wd1a 0  # comment  \n\n", "reload", "vol0"));
        requests(d -> d, "0 x linear\n", "load", "vol0");
        assertEquals("Invalid format on line 1 of table on stdin\nCommand failed\n", stderr);
        assertEquals(1, rc);
    }

    @Test
    void simpleCommands() {
        assertEquals(List.of(L_VER, simple("resume", "flags=0x4, name=vol0")), requests("resume", "vol0"));
        assertEquals(List.of(L_VER, simple("suspend", "flags=0x6, name=vol0")), requests("suspend", "vol0"));
        assertEquals(List.of(L_VER, simple("suspend", "flags=0xc06, name=vol0")),
                requests("suspend", "--noflush", "--nolockfs", "vol0"));
        assertEquals(List.of(L_VER, simple("clear", "flags=0x4, name=vol0")), requests("clear", "vol0"));
        assertEquals(List.of(L_VER, "{cmd_data=[vol1], command=rename, flags=0x4, name=vol0, " + V + "}"),
                requests("rename", "vol0", "vol1"));
        assertEquals(List.of(L_VER, simple("remove", "flags=0x4, name=vol0")), requests("remove", "vol0"));
        assertEquals(List.of(L_VER, simple("deps", "flags=0x4, name=vol0")), requests("deps", "vol0"));
        assertEquals(List.of(L_VER, simple("status", "flags=0x4, name=vol0")), requests("status", "vol0"));
        assertEquals(List.of(L_VER, simple("table", "flags=0x14, name=vol0")), requests("table", "vol0"));
        assertEquals(List.of(L_VER, simple("mknodes", "flags=0x4, name=vol0")), requests("mknodes", "vol0"));
    }

    @Test
    void noVersionCommands_message_wait_removeAll() {
        // dmemu extension (DragonFly's libdm): message carries version, sector and the text
        assertEquals(List.of(L_VER, "{cmd_data=[], command=message, flags=0x4, message=fail_path 0:19, name=vol0, "
                + "sector=0x8, " + V + "}"), requests("message", "vol0", "8", "fail_path", "0:19"));
        assertEquals(List.of(L_VER, "{cmd_data=[], command=waitevent, flags=0x4, name=vol0}"),
                requests("wait", "vol0", "3"));
        List<String> all = requests("remove_all");
        assertEquals(L_VER, all.get(0));
        assertEquals("{cmd_data=[], command=remove_all, flags=0x4, name=}", all.get(1));
        assertEquals(simple("names", "flags=0x4"), all.get(2));
    }

    @Test
    void removeForce_errorTableThenResumeThenRemove() {
        UnaryOperator<PropDictionary> withTable = d -> {
            if ("table".equals(d.getString("command"))) {
                PropArray a = new PropArray();
                PropDictionary e = new PropDictionary();
                e.setUint64("start", 0);
                e.setUint64("length", 1024);
                e.setString("type", "zero");
                e.setString("params", "");
                e.setInt32("status", 0);
                a.add(e);
                d.set("cmd_data", a);
            }
            return d;
        };
        assertEquals(List.of(L_VER, simple("table", "flags=0x14, name=vol0"),
                "{cmd_data=[{length=0x400, params=, start=0x0, type=error}], command=reload, flags=0x4, name=vol0, "
                        + V + "}",
                simple("resume", "flags=0x4, name=vol0"), simple("remove", "flags=0x4, name=vol0")),
                requests(withTable, "", "remove", "-f", "vol0"));
    }

    @Test
    void usageAndOptionErrors() {
        assertEquals(List.of(), requests("frob"));
        assertEquals(1, rc);
        assertEquals(true, stderr.startsWith("Unknown command\nUsage:\n\ndmsetup [--version]"), stderr);
        requests("create");
        assertEquals(true, stderr.startsWith("Incorrect number of arguments\nUsage:"), stderr);
        requests("-x", "ls");
        assertEquals("dmsetup: unknown option -- x\nCouldn't process command line.\n", stderr);
        requests("--frob", "ls");
        assertEquals("dmsetup: unknown option -- frob\nCouldn't process command line.\n", stderr);
        requests("ls", "-j");
        assertEquals("dmsetup: option requires an argument -- j\nCouldn't process command line.\n", stderr);
        requests("-j", "169", "info");
        assertEquals("Please specify both major number and minor number.\nCouldn't process command line.\n", stderr);
        requests("create", "a", "--notable", "--table", "0 1 zero");
        assertEquals("--table and --notable are incompatible.\nCouldn't process command line.\n", stderr);
        assertEquals(List.of(L_VER), requests("remove"));
        assertEquals("No device specified.\nCommand failed\n", stderr);
    }
}
