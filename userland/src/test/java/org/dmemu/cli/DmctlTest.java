package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.dmemu.libdm.CaptureTransport;
import org.dmemu.libdm.DmTransport;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.junit.jupiter.api.Test;

/**
 * dmctl against a recording transport: the exact request dictionaries of userland.md §5.1
 * (C-V1 … C-TB) and the output for given replies (§2.3), and every error path (§2.4).
 */
class DmctlTest {
    private String stdout;
    private String stderr;

    private int run(DmTransport t, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Dmctl.run(t, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        stdout = o.toString(StandardCharsets.UTF_8);
        stderr = e.toString(StandardCharsets.UTF_8);
        return rc;
    }

    private static final String V = "version=[0x4, 0x0, 0x0]";

    private String request(UnaryOperator<PropDictionary> reply, String stdin, String... args) {
        CaptureTransport t = new CaptureTransport(reply);
        assertEquals(0, run(t, stdin, args), stderr);
        assertEquals(1, t.requests.size());
        return t.requests.get(0).toString();
    }

    @Test
    void requests_C_V1_to_C_TB() {
        UnaryOperator<PropDictionary> echo = d -> d;
        assertEquals("{command=version, " + V + "}", request(echo, "", "version"));
        assertEquals("{command=targets, " + V + "}", request(echo, "", "targets"));
        assertEquals("{command=create, name=test0, " + V + "}", request(echo, "", "create", "test0"));
        assertEquals("{command=names, " + V + "}", request(echo, "", "ls"));
        assertEquals("{command=info, name=test0, " + V + "}", request(echo, "", "info", "test0"));
        assertEquals("{cmd_data=[test1], command=rename, name=test0, " + V + "}",
                request(echo, "", "rename", "test0", "test1"));
        assertEquals("{command=remove, name=test0, " + V + "}", request(echo, "", "remove", "test0"));
        assertEquals("{command=resume, name=test0, " + V + "}", request(echo, "", "resume", "test0"));
        assertEquals("{command=suspend, flags=0x2, name=test0, " + V + "}", request(echo, "", "suspend", "test0"));
        assertEquals("{command=deps, name=test0, " + V + "}", request(echo, "", "deps", "test0"));
        assertEquals("{cmd_data=[{length=0x5000, params=/dev/wd1a 0, start=0x0, type=linear}], command=reload, "
                + "name=test0, " + V + "}", request(echo, "0 20480 linear /dev/wd1a 0\n", "reload", "test0"));
        assertEquals("{cmd_data=[{length=0x400, params=, start=0x0, type=zero}, {length=0x400, params=, "
                + "start=0x400, type=error}], command=reload, name=test0, " + V + "}",
                request(echo, "0 1024 zero\n1024 1024 error\n", "reload", "test0"));
        assertEquals("{cmd_data=[{length=0xa000, params=2 64 /dev/wd1a 0 /dev/wd2a 0, start=0x0, type=striped}], "
                + "command=reload, name=test0, " + V + "}",
                request(echo, "0 40960 striped 2 64 /dev/wd1a 0 /dev/wd2a 0", "reload", "test0"));
        assertEquals("{cmd_data=[], command=reload, name=test0, " + V + "}", request(echo, "", "reload", "test0"));
        assertEquals("{command=table, flags=0x10, name=test0, " + V + "}", request(echo, "", "status", "test0"));
        assertEquals("{command=table, flags=0x10, name=test0, " + V + "}", request(echo, "", "table", "test0"));
    }

    @Test
    void reload_paramsVerbatim_trailingSpaceAndCrKept_extraWordsIgnoredForRename() {
        assertEquals("{cmd_data=[{length=0x10, params=/dev/wd1a 0  \r, start=0x0, type=linear}], command=reload, "
                + "name=t, " + V + "}", request(d -> d, "0 16 linear \t/dev/wd1a 0  \r\n", "reload", "t"));
        assertEquals("{cmd_data=[b], command=rename, name=a, " + V + "}", request(d -> d, "", "rename", "a", "b", "c"));
    }

    @Test
    void version_output() {
        run(new CaptureTransport(d -> {
            PropArray v = new PropArray();
            v.addUint32(4);
            v.addUint32(16);
            v.addUint32(0);
            d.set("version", v);
            return d;
        }), "", "version");
        assertEquals("Library protocol version 4:0:0\nKernel protocol version 4:16:0\n", stdout);
        assertEquals("", stderr);
    }

    @Test
    void targets_ls_info_deps_table_output() {
        run(new CaptureTransport(d -> {
            PropArray a = new PropArray();
            PropDictionary t = new PropDictionary();
            t.setString("name", "linear");
            PropArray v = new PropArray();
            v.addUint32(1);
            v.addUint32(0);
            v.addUint32(2);
            t.set("ver", v);
            a.add(t);
            d.set("cmd_data", a);
            return d;
        }), "", "targets");
        assertEquals("Target name: linear\nTarget version 1.0.2\n\n", stdout);

        run(new CaptureTransport(d -> {
            PropArray a = new PropArray();
            for (int i = 1; i <= 2; i++) {
                PropDictionary x = new PropDictionary();
                x.setUint32("dev", i);
                x.setString("name", "d" + i);
                a.add(x);
            }
            d.set("cmd_data", a);
            return d;
        }), "", "ls");
        assertEquals("Device name: d1, device minor: 1 \nDevice name: d2, device minor: 2 \n", stdout);

        run(new CaptureTransport(d -> {
            d.setUint32("minor", 1);
            d.setString("uuid", "");
            d.setUint32("target_count", 1);
            d.setUint32("open_count", 0);
            d.setUint32("flags", 32);
            return d;
        }), "", "info", "test0");
        assertEquals("Printing Device info for:\nDevice name: \t\ttest0\nDevice uuid: \t\t\nDevice minor: \t\t1\n"
                + "Device target number: \t1\nDevice flags: \t\t32\n", stdout);

        run(new CaptureTransport(d -> {
            PropArray a = new PropArray();
            a.add(PropNumber.unsigned(16));
            a.add(PropNumber.unsigned(0x00300004L | (3 << 8)));
            a.add(PropNumber.unsigned(0));
            a.add(PropNumber.unsigned(99));
            d.set("cmd_data", a);
            return d;
        }), "", "deps", "test0");
        assertEquals("Device test0 dependencies \nmajor: 0 minor: 16\nmajor: 3 minor: 772\n", stdout);

        run(new CaptureTransport(d -> {
            PropArray a = new PropArray();
            PropDictionary x = new PropDictionary();
            x.setUint64("start", 0);
            x.setUint64("length", 20480);
            x.setString("type", "linear");
            x.setString("params", "/dev/wd1a 0");
            x.setInt32("status", 0);
            a.add(x);
            d.set("cmd_data", a);
            return d;
        }), "", "table", "test0");
        assertEquals("Getting device table for device test0\n         0      20480 linear\n", stdout);
    }

    @Test
    void notFoundReplies_silentOrInfoWithNulls_exit0() {
        UnaryOperator<PropDictionary> notFound = d -> {
            d.setUint32("flags", 0);
            return d;
        };
        for (String c : new String[] {"table", "status", "deps", "remove", "resume", "suspend", "create"}) {
            assertEquals(0, run(new CaptureTransport(notFound), "", c, "nosuch"), c);
            assertEquals("", stdout, c);
            assertEquals("", stderr, c);
        }
        assertEquals(0, run(new CaptureTransport(notFound), "", "info", "nosuch"));
        assertEquals("Printing Device info for:\nDevice name: \t\tnosuch\nDevice uuid: \t\t(null)\n"
                + "Device minor: \t\t0\nDevice target number: \t0\nDevice flags: \t\t0\n", stdout);
    }

    static final String USAGE = "usage: dmctl command [dm device name]\n"
            + "Available commands are:\n"
            + " \tversion\tPrint driver and lib version.\n"
            + "\ttargets\tList available kernel targets.\n"
            + "\tcreate\tCreate device with [dm device name].\n"
            + "\tls\tList existing dm devices.\n"
            + "\tinfo\tGet info about device with [dm device name].\n"
            + "\trename\tRename device with [dm device name] to  [dm device new name].\n"
            + "\tremove\tRemove device with [dm device name].\n"
            + "\tresume\tResume IO on dm device [dm device name].\n"
            + "\tsuspend\tSuspend IO on dm device [dm device name].\n"
            + "\tdeps\tPrint physical dependencies for dm device [dm device name].\n"
            + "\treload\tSwitch active and passive tables for device with [dm device name].\n"
            + "\tstatus\tPrint status for device with [dm device name].\n"
            + "\ttable\tPrint active table for device with [dm device name].\n";

    @Test
    void usageErrors_exit1_noRequest() {
        CaptureTransport t = new CaptureTransport(d -> d);
        assertEquals(1, run(t, ""));
        assertEquals(USAGE, stderr);
        assertEquals(1, run(t, "", "frob"));
        assertEquals("dmctl: unknown command: frob\n", stderr);
        assertEquals(1, run(t, "", "info"));
        assertEquals("Insufficient number of arguments for command: info specified\n" + USAGE, stderr);
        assertEquals(1, run(t, "", "version", "x"));
        assertEquals("Insufficient number of arguments for command: version specified\n" + USAGE, stderr);
        assertEquals(1, run(t, "", "create", "a", "b"));
        assertEquals("Insufficient number of arguments for command: create specified\n" + USAGE, stderr);
        assertEquals(1, run(t, "", "rename", "a"));
        assertEquals("Insufficient number of arguments for command: rename specified\n" + USAGE, stderr);
        assertEquals(1, run(t, "", "ls", "x"));
        assertEquals("Insufficient number of arguments for command: ls specified\n" + USAGE, stderr);
        assertEquals(0, t.requests.size());
        assertEquals("", stdout);
    }

    @Test
    void taskRunFailure_errMessagePerSubcommand() {
        String[][] cases = {
            {"version", "dmctl_get_version: libdm_task_run failed."},
            {"targets", "dmctl_get_targets: libdm_task_run failed."},
            {"create x", "dmctl_create_dev: libdm_task_run failed."},
            {"ls", "dmctl_list_devices: libdm_task_run failed."},
            {"info x", "dmctl_get_device_info: libdm_task_run failed"},
            {"rename x y", "dmctl_dev_rename: libdm_task_run failed."},
            {"remove x", "dmctl_dev_remove: libdm_task_run failed."},
            {"resume x", "dmctl_dev_resume: libdm_task_run failed."},
            {"suspend x", "dmctl_dev_suspend: libdm_task_run failed."},
            {"deps x", "dmctl_dev_deps: libdm_task_run failed."},
            {"reload x", "libdm_task_run: from dmctl_table_reload failed."},
            {"status x", "libdm_task_run"},
            {"table x", "libdm_task_run"},
        };
        for (String[] c : cases) {
            assertEquals(1, run(new CaptureTransport(2), "", c[0].split(" ")), c[0]);
            assertEquals("dmctl: " + c[1] + ": No such file or directory\n", stderr, c[0]);
            assertEquals(c[0].equals("version") ? "Library protocol version 4:0:0\n" : "", stdout, c[0]);
        }
    }

    @Test
    void tableLineScanner_sscanfRules() {
        TableLineScanner s = new TableLineScanner();
        s.scan("  10   20\tzero");
        assertEquals(10, s.start);
        assertEquals(20, s.length);
        assertEquals("zero", s.target);
        assertEquals("", s.params);
        s.scan("-1 18446744073709551616 linear a  b ");
        assertEquals(-1L, s.start);
        assertEquals(-1L, s.length);
        assertEquals("a  b ", s.params);
        s.scan("");
        assertEquals("linear", s.target);
        assertEquals("", s.params);
    }
}
