package org.dmemu.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;
import org.dmemu.libdevmapper.Libdevmapper;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * Emulates the {@code dmsetup} NetBSD ships: LVM2 2.02.56's tools/dmsetup.c (NetBSD rev
 * 1.1.1.2) over libdevmapper's NetBSD interface ({@link Libdevmapper}, {@link DmTask}): the
 * same commands, options, table syntax, requests, output and exit statuses.
 *
 * <pre>dmemu dmsetup [--control PATH] [options] command [args]</pre>
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>{@code --control PATH} (first, dmemu's own) or {@code $DMEMU_CONTROL} or
 * {@code ./state/control} names the control socket.</li>
 * <li>Not emulated, refused with one line on stderr and status 1: the report modes
 * ({@code -c/-C/--columns}, {@code -o}, {@code -O}, {@code splitname}, {@code help -c}),
 * {@code ls --tree}, {@code --exec}, and the {@code losetup}/{@code devmap_name}
 * personalities.</li>
 * <li>No node files exist: {@code create}/{@code remove}/{@code rename} do not touch a
 * {@code /dev/mapper} directory, and a device given as a path is accepted only as
 * {@code /dev/mapper/NAME}.</li>
 * <li>Table lines are read whole (C's {@code fgets} cuts lines at 4095 bytes).</li>
 * </ul>
 */
public final class Dmsetup {
    private record Command(String name, String help, int minArgs, int maxArgs) {
    }

    private static final List<Command> COMMANDS = List.of(
            new Command("help", "[-c|-C|--columns]", 0, 0),
            new Command("create", "<dev_name> [-j|--major <major> -m|--minor <minor>]\n"
                    + "\t                  [-U|--uid <uid>] [-G|--gid <gid>] [-M|--mode <octal_mode>]\n"
                    + "\t                  [-u|uuid <uuid>]\n"
                    + "\t                  [--notable | --table <table> | <table_file>]", 1, 2),
            new Command("remove", "[-f|--force] <device>", 0, 1),
            new Command("remove_all", "[-f|--force]", 0, 0),
            new Command("suspend", "[--noflush] <device>", 0, 1),
            new Command("resume", "<device>", 0, 1),
            new Command("load", "<device> [<table_file>]", 0, 2),
            new Command("clear", "<device>", 0, 1),
            new Command("reload", "<device> [<table_file>]", 0, 2),
            new Command("rename", "<device> <new_name>", 1, 2),
            new Command("message", "<device> <sector> <message>", 2, -1),
            new Command("ls", "[--target <target_type>] [--exec <command>] [--tree [-o options]]", 0, 0),
            new Command("info", "[<device>]", 0, 1),
            new Command("deps", "[<device>]", 0, 1),
            new Command("status", "[<device>] [--target <target_type>]", 0, 1),
            new Command("table", "[<device>] [--target <target_type>] [--showkeys]", 0, 1),
            new Command("wait", "<device> [<event_nr>]", 0, 2),
            new Command("mknodes", "[<device>]", 0, 1),
            new Command("udevflags", "<cookie>", 1, 1),
            new Command("udevcomplete", "<cookie>", 1, 1),
            new Command("udevcomplete_all", "", 0, 0),
            new Command("udevcookies", "", 0, 0),
            new Command("targets", "", 0, 0),
            new Command("version", "", 0, 0),
            new Command("setgeometry", "<device> <cyl> <head> <sect> <start>", 5, 5),
            new Command("splitname", "<device> [<subsystem>]", 1, 2));

    /** Long options: name and whether it takes an argument ({@code verbose} does, as in the C table). */
    private static final String[][] LONG = {
        {"readonly", "0"}, {"columns", "0"}, {"exec", "1"}, {"force", "0"}, {"gid", "1"}, {"inactive", "0"},
        {"major", "1"}, {"minor", "1"}, {"mode", "1"}, {"nameprefixes", "0"}, {"noflush", "0"},
        {"noheadings", "0"}, {"nolockfs", "0"}, {"noopencount", "0"}, {"notable", "0"}, {"noudevsync", "0"},
        {"options", "1"}, {"readahead", "1"}, {"rows", "0"}, {"separator", "1"}, {"showkeys", "0"},
        {"sort", "1"}, {"table", "1"}, {"target", "1"}, {"tree", "0"}, {"uid", "1"}, {"uuid", "1"},
        {"unbuffered", "0"}, {"unquoted", "0"}, {"verbose", "1"}, {"version", "0"}, {"yes", "0"}};
    private static final String SHORT = "cCfG:j:m:M:no:O:ru:U:vy";

    /** Unsupported in dmemu (see the class comment): message and status 1. */
    private static final class Unsupported extends Exception {
        Unsupported(String msg) {
            super(msg, null, false, false);
        }
    }

    // switches
    private boolean readOnly;
    private boolean columns;
    private boolean force;
    private boolean inactive;
    private boolean majorSet;
    private boolean minorSet;
    private int majorArg;
    private int minorArg;
    private boolean noflush;
    private boolean nolockfs;
    private boolean notable;
    private boolean showkeys;
    private boolean tree;
    private boolean exec;
    private String table;
    private String target;
    private String uuid;
    private int verbose;
    private boolean version;
    private boolean optionsSet;
    private boolean sortSet;

    private final Libdevmapper lib;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    private Dmsetup(DmTransport t, InputStream in, PrintStream out, PrintStream err) {
        this.lib = new Libdevmapper(t, out, err);
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** The {@code dmemu dmsetup} subcommand. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String control = null;
        if (args.length >= 1 && args[0].startsWith("--control=")) {
            control = args[0].substring("--control=".length());
            args = Arrays.copyOfRange(args, 1, args.length);
        } else if (args.length >= 1 && args[0].equals("--control")) {
            if (args.length < 2) {
                err.println("dmemu dmsetup: --control needs a path");
                return 64;
            }
            control = args[1];
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        return run(new UnixSocketTransport(Dmctl.controlPath(control, System.getenv()), err), args, in, out, err);
    }

    /** dmsetup's {@code main} with {@code argv[1..]} = {@code args}, over the given transport. */
    public static int run(DmTransport t, String[] args, InputStream in, PrintStream out, PrintStream err) {
        Dmsetup d = new Dmsetup(t, in, out, err);
        try {
            return d.main(args);
        } catch (Unsupported e) {
            err.print("dmemu dmsetup: " + e.getMessage() + "\n");
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int main(String[] args) throws Unsupported {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            // As LVM2's later dmsetup -h|--help (and what 'dmemu --help' promises): usage, status 0.
            usage(out);
            return 0;
        }
        List<String> rest = new ArrayList<>();
        if (!processSwitches(args, rest)) {
            err.print("Couldn't process command line.\n");
            return 1;
        }
        Command c;
        if (version) {
            c = find("version");
        } else {
            if (rest.isEmpty()) {
                usage();
                return 1;
            }
            c = find(rest.get(0));
            if (c == null) {
                err.print("Unknown command\n");
                usage();
                return 1;
            }
            int argc = rest.size();
            if (argc < c.minArgs() + 1 || (c.maxArgs() >= 0 && argc > c.maxArgs() + 1)) {
                err.print("Incorrect number of arguments\n");
                usage();
                return 1;
            }
        }
        if (columns || c.name().equals("splitname") || optionsSet || sortSet) {
            if (!c.name().equals("help") || columns) {
                throw new Unsupported("report output (-c/-C/--columns, -o, -O, splitname) is not emulated");
            }
        }
        if (!dispatch(c.name(), rest)) {
            err.print("Command failed\n");
            return 1;
        }
        return 0;
    }

    private static Command find(String name) {
        for (Command c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private void usage() {
        usage(err);
    }

    private void usage(PrintStream to) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage:\n\n");
        sb.append("dmsetup [--version] [-v|--verbose [-v|--verbose ...]]\n"
                + "        [-r|--readonly] [--noopencount] [--nolockfs] [--inactive]\n"
                + "        [--noudevsync] [-y|--yes] [--readahead [+]<sectors>|auto|none]\n"
                + "        [-c|-C|--columns] [-o <fields>] [-O|--sort <sort_fields>]\n"
                + "        [--nameprefixes] [--noheadings] [--separator <separator>]\n\n");
        for (Command c : COMMANDS) {
            sb.append('\t').append(c.name()).append(' ').append(c.help()).append('\n');
        }
        sb.append("\n<device> may be device name or -u <uuid> or -j <major> -m <minor>\n");
        sb.append("<fields> are comma-separated.  Use 'help -c' for list.\n");
        sb.append("Table_file contents may be supplied on stdin.\n");
        sb.append("Tree options are: ascii, utf, vt100; compact, inverted, notrunc;\n"
                + "                  [no]device, active, open, rw and uuid.\n");
        sb.append("\n");
        to.print(sb);
    }

    // ---- getopt_long (NetBSD libc: permutes, unique prefixes, warnx messages) ----

    private boolean processSwitches(String[] args, List<String> rest) throws Unsupported {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                rest.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (a.startsWith("--")) {
                String body = a.substring(2);
                String value = null;
                int eq = body.indexOf('=');
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                    body = body.substring(0, eq);
                }
                String[] match = null;
                int matches = 0;
                for (String[] o : LONG) {
                    if (o[0].equals(body)) {
                        match = o;
                        matches = 1;
                        break;
                    }
                    if (o[0].startsWith(body)) {
                        match = o;
                        matches++;
                    }
                }
                if (matches == 0) {
                    err.print("dmsetup: unknown option -- " + body + "\n");
                    return false;
                }
                if (matches > 1) {
                    err.print("dmsetup: ambiguous option -- " + body + "\n");
                    return false;
                }
                boolean hasArg = match[1].equals("1");
                if (!hasArg && value != null) {
                    err.print("dmsetup: option doesn't take an argument -- " + body + "\n");
                    return false;
                }
                if (hasArg && value == null) {
                    if (i + 1 >= args.length) {
                        err.print("dmsetup: option requires an argument -- " + match[0] + "\n");
                        return false;
                    }
                    value = args[++i];
                }
                if (!longOption(match[0], value)) {
                    return false;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char ch = a.charAt(k);
                    int at = SHORT.indexOf(ch);
                    if (at < 0 || ch == ':') {
                        err.print("dmsetup: unknown option -- " + ch + "\n");
                        return false;
                    }
                    boolean hasArg = at + 1 < SHORT.length() && SHORT.charAt(at + 1) == ':';
                    String value = null;
                    if (hasArg) {
                        if (k + 1 < a.length()) {
                            value = a.substring(k + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            err.print("dmsetup: option requires an argument -- " + ch + "\n");
                            return false;
                        }
                        k = a.length();
                    }
                    shortOption(ch, value);
                }
            } else {
                rest.add(a);
            }
        }
        if (majorSet != minorSet) {
            err.print("Please specify both major number and minor number.\n");
            return false;
        }
        if (tree) {
            throw new Unsupported("ls --tree is not emulated");
        }
        if (table != null && notable) {
            err.print("--table and --notable are incompatible.\n");
            return false;
        }
        return true;
    }

    /** C {@code atoi}: leading space, sign, digits; 0 if none. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && TableLineScanner.isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < 1L << 40) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (neg ? -v : v);
    }

    /**
     * The short options as dmsetup's getopt_long table pairs them with long ones; -y, -G, -U and
     * -M are accepted and change nothing NetBSD sends or prints.
     */
    private static final Map<Character, String> SHORT_TO_LONG = Map.ofEntries(
            Map.entry('c', "columns"), Map.entry('C', "columns"), Map.entry('f', "force"),
            Map.entry('r', "readonly"), Map.entry('j', "major"), Map.entry('m', "minor"),
            Map.entry('n', "notable"), Map.entry('o', "options"), Map.entry('O', "sort"),
            Map.entry('v', "verbose"), Map.entry('u', "uuid"));

    private void shortOption(char c, String v) throws Unsupported {
        String name = SHORT_TO_LONG.get(c);
        if (name != null) {
            longOption(name, v);
        }
    }

    private boolean longOption(String name, String v) throws Unsupported {
        switch (name) {
            case "readonly" -> readOnly = true;
            case "columns" -> columns = true;
            case "exec" -> throw new Unsupported("--exec is not emulated");
            case "force" -> force = true;
            case "inactive" -> inactive = true;
            case "major" -> {
                majorSet = true;
                majorArg = atoi(v);
            }
            case "minor" -> {
                minorSet = true;
                minorArg = atoi(v);
            }
            case "noflush" -> noflush = true;
            case "nolockfs" -> nolockfs = true;
            case "notable" -> notable = true;
            case "options" -> optionsSet = true;
            case "sort" -> sortSet = true;
            case "showkeys" -> showkeys = true;
            case "table" -> table = v;
            case "target" -> target = v;
            case "tree" -> tree = true;
            case "uuid" -> uuid = v;
            case "verbose" -> verbose++;
            case "version" -> version = true;
            case "readahead" -> {
                String s = v.strip();
                if (!s.equalsIgnoreCase("auto") && !s.equalsIgnoreCase("none") && atoi(v) < -1) {
                    err.print("Negative read ahead value (" + atoi(v) + ") is not understood.\n");
                    return false;
                }
            }
            default -> {
                // gid, uid, mode, nameprefixes, noheadings, noopencount, noudevsync, rows,
                // separator, unbuffered, unquoted, yes: no effect on what NetBSD sends or prints here
            }
        }
        return true;
    }

    // ---- commands ----

    private boolean dispatch(String name, List<String> argv) throws Unsupported {
        int argc = argv.size();
        return switch (name) {
            case "help" -> {
                usage();
                yield true;
            }
            case "create" -> create(argv);
            case "remove" -> {
                if (force && argc > 1) {
                    errorDevice(argv.get(1));
                }
                yield simple(Type.REMOVE, argc > 1 ? argv.get(1) : null, 0, false);
            }
            case "remove_all" -> removeAll();
            case "suspend" -> simple(Type.SUSPEND, argc > 1 ? argv.get(1) : null, 0, true);
            case "resume" -> simple(Type.RESUME, argc > 1 ? argv.get(1) : null, 0, true);
            case "clear" -> simple(Type.CLEAR, argc > 1 ? argv.get(1) : null, 0, true);
            case "load", "reload" -> load(argv);
            case "rename" -> rename(argv);
            case "message" -> message(argv);
            case "ls" -> {
                if (target != null) {
                    yield status(argv, null);
                }
                yield processAll(false, n -> {
                    out.print(n.name() + "\t(" + n.major() + ", " + n.minor() + ")\n");
                    return true;
                });
            }
            case "info" -> {
                if (argc == 1 && uuid == null && !majorSet) {
                    yield processAll(false, n -> info(n.name()));
                }
                yield info(argc == 2 ? argv.get(1) : null);
            }
            case "deps" -> {
                if (argc == 1 && uuid == null && !majorSet) {
                    yield processAll(false, n -> deps(n.name(), true));
                }
                yield deps(argc == 2 ? argv.get(1) : null, false);
            }
            case "status", "table" -> status(argv, null);
            case "wait" -> {
                String dev = null;
                List<String> a = argv;
                if (uuid == null && !majorSet) {
                    if (argc == 1) {
                        err.print("No device specified.\n");
                        yield false;
                    }
                    dev = a.get(1);
                    a = a.subList(1, a.size());
                }
                yield simple(Type.WAITEVENT, dev, a.size() > 1 ? atoi(a.get(a.size() - 1)) & 0xffffffffL : 0, true);
            }
            case "mknodes" -> lib.mknodes(argc > 1 ? argv.get(1) : null);
            case "udevflags" -> udevflags(argv.get(1));
            case "udevcomplete" -> cookie(argv.get(1)) != 0;
            case "udevcomplete_all", "udevcookies" -> {
                err.print("Command not supported. Recompile with \"--enable-udev-sync\" to enable.\n");
                yield false;
            }
            case "targets" -> targets();
            case "version" -> {
                out.print("Library version:   " + lib.libraryVersion() + "\n");
                String v = lib.driverVersion();
                if (v == null) {
                    yield false;
                }
                out.print("Driver version:    " + v + "\n");
                yield true;
            }
            case "setgeometry" -> setgeometry(argv);
            default -> throw new Unsupported(name + " is not emulated");
        };
    }

    /** {@code _set_task_device}. */
    private boolean setTaskDevice(DmTask t, String name, boolean optional) {
        if (name != null) {
            return t.setName(name);
        } else if (uuid != null) {
            t.setUuid(uuid);
        } else if (majorSet && minorSet) {
            t.setMajor(majorArg);
            t.setMinor(minorArg);
        } else if (!optional) {
            err.print("No device specified.\n");
            return false;
        }
        return true;
    }

    /** {@code _parse_line}: false after the error message. */
    private boolean parseLine(DmTask t, String buffer, String file, int line) {
        int end = buffer.length();
        while (end > 0 && TableLineScanner.isSpace(buffer.charAt(end - 1))) {
            end--;
        }
        int p = 0;
        while (p < end && TableLineScanner.isSpace(buffer.charAt(p))) {
            p++;
        }
        String s = buffer.substring(p, end);
        if (s.isEmpty() || s.charAt(0) == '#') {
            return true;
        }
        TableLineScanner sc = new TableLineScanner();
        if (!sc.scanComplete(s)) {
            err.print("Invalid format on line " + line + " of table " + file + "\n");
            return false;
        }
        String params = sc.params;
        int hash = params.indexOf('#');
        if (hash >= 0) {
            params = params.substring(0, hash);
        }
        t.addTarget(sc.start, sc.length, sc.target, params);
        return true;
    }

    /** {@code _parse_file}. */
    private boolean parseFile(DmTask t, String file) {
        if (table != null) {
            return parseLine(t, table, "", 1);
        }
        BufferedReader r;
        if (file != null) {
            try {
                r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                err.print("Couldn't open '" + file + "' for reading\n");
                return false;
            }
        } else {
            r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        int line = 0;
        try (BufferedReader rr = r) {
            String l;
            while ((l = rr.readLine()) != null) {
                if (!parseLine(t, l, file != null ? file : "on stdin", ++line)) {
                    return false;
                }
            }
        } catch (IOException e) {
            // LVM2's getline loop would end quietly here; name the file and the reason instead.
            err.print("Couldn't read table file " + (file != null ? "'" + file + "'" : "on stdin") + ": "
                    + org.dmemu.disklabel.tool.IoErrors.reason(e) + "\n");
            return false;
        }
        return true;
    }

    private boolean create(List<String> argv) {
        String file = argv.size() == 3 ? argv.get(2) : null;
        DmTask t = lib.taskCreate(Type.CREATE);
        if (t == null || !t.setName(argv.get(1))) {
            return false;
        }
        if (uuid != null) {
            t.setUuid(uuid);
        }
        if (!notable && !parseFile(t, file)) {
            return false;
        }
        if (readOnly) {
            t.setRo();
        }
        if (majorSet) {
            t.setMajor(majorArg);
        }
        if (minorSet) {
            t.setMinor(minorArg);
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return verbose == 0 || displayInfo(t);
    }

    private boolean load(List<String> argv) {
        if (notable) {
            err.print("--notable only available when creating new device\n\n");
            return false;
        }
        String name = null;
        List<String> a = argv;
        if (uuid == null && !majorSet) {
            if (a.size() == 1) {
                err.print("Please specify device.\n\n");
                return false;
            }
            name = a.get(1);
            a = a.subList(1, a.size());
        } else if (a.size() > 2) {
            err.print("Too many command line arguments.\n\n");
            return false;
        }
        String file = a.size() == 2 ? a.get(1) : null;
        DmTask t = lib.taskCreate(Type.RELOAD);
        if (t == null || !setTaskDevice(t, name, false) || !parseFile(t, file)) {
            return false;
        }
        if (readOnly) {
            t.setRo();
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return verbose == 0 || displayInfo(t);
    }

    private boolean rename(List<String> argv) {
        DmTask t = lib.taskCreate(Type.RENAME);
        if (t == null || !setTaskDevice(t, argv.size() == 3 ? argv.get(1) : null, false)) {
            return false;
        }
        t.setNewname(argv.get(argv.size() - 1));
        if (inactive) {
            t.queryInactiveTable();
        }
        return t.run();
    }

    private boolean message(List<String> argv) {
        DmTask t = lib.taskCreate(Type.TARGET_MSG);
        if (t == null) {
            return false;
        }
        List<String> a = argv;
        if (uuid != null || majorSet) {
            if (!setTaskDevice(t, null, false)) {
                return false;
            }
        } else {
            if (!setTaskDevice(t, a.get(1), false)) {
                return false;
            }
            a = a.subList(1, a.size());
        }
        if (a.size() < 2) {
            return false;
        }
        t.setSector(atoi(a.get(1)));
        a = a.subList(2, a.size());
        if (a.isEmpty()) {
            err.print("No message supplied.\n\n");
        }
        t.setMessage(String.join(" ", a));
        if (inactive) {
            t.queryInactiveTable();
        }
        return t.run();
    }

    private boolean setgeometry(List<String> argv) {
        DmTask t = lib.taskCreate(Type.SET_GEOMETRY);
        if (t == null) {
            return false;
        }
        if (uuid != null || majorSet) {
            setTaskDevice(t, null, false);
        } else {
            setTaskDevice(t, argv.get(1), false);
        }
        return false; // dm_task_set_geometry is a stub returning 0 on NetBSD
    }

    /** {@code _simple}. */
    private boolean simple(Type type, String name, long eventNr, boolean display) {
        DmTask t = lib.taskCreate(type);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        if (eventNr != 0) {
            t.setEventNr(eventNr);
        }
        if (noflush) {
            t.noFlush();
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (nolockfs) {
            t.skipLockfs();
        }
        boolean r = t.run();
        if (r && display && verbose > 0) {
            r = displayInfo(t);
        }
        return r;
    }

    /** {@code _get_device_size}: Σ lengths of the table, 0 if absent. */
    private long deviceSize(String name) {
        DmTask t = lib.taskCreate(Type.TABLE);
        if (t == null || !setTaskDevice(t, name, false)) {
            return 0;
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return 0;
        }
        DmTask.Info info = t.getInfo();
        if (info == null || !info.exists()) {
            return 0;
        }
        long size = 0;
        for (DmTask.Target x : t.targets()) {
            size += x.length();
        }
        return size;
    }

    /** {@code _error_device}: replace the table by one error target of the same size. */
    private boolean errorDevice(String name) {
        long size = deviceSize(name);
        DmTask t = lib.taskCreate(Type.RELOAD);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        t.addTarget(0, size, "error", "");
        if (readOnly) {
            t.setRo();
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        if (!simple(Type.RESUME, name, 0, false)) {
            simple(Type.CLEAR, name, 0, false);
            return false;
        }
        return true;
    }

    private boolean removeAll() {
        boolean r = simple(Type.REMOVE_ALL, "", 0, false) | lib.mknodes(null);
        if (!force) {
            return r;
        }
        int[] count = {0};
        r |= processAll(true, n -> {
            count[0]++;
            return true;
        });
        if (count[0] == 0) {
            return r;
        }
        r |= processAll(true, n -> errorDevice(n.name()));
        r |= simple(Type.REMOVE_ALL, "", 0, false) | lib.mknodes(null);
        count[0] = 0;
        r |= processAll(true, n -> {
            count[0]++;
            return true;
        });
        if (count[0] == 0) {
            return r;
        }
        err.print("Unable to remove " + count[0] + " device(s).\n");
        return r;
    }

    @FunctionalInterface
    private interface PerDevice {
        boolean apply(DmTask.Name n);
    }

    /** {@code _process_all}: {@code names}, then {@code fn} for each device. */
    private boolean processAll(boolean silent, PerDevice fn) {
        DmTask t = lib.taskCreate(Type.LIST);
        if (t == null || !t.run()) {
            return false;
        }
        if (t.names().isEmpty()) {
            if (!silent) {
                out.print("No devices found\n");
            }
            return true;
        }
        boolean r = true;
        for (DmTask.Name n : t.names()) {
            if (!fn.apply(n)) {
                r = false;
            }
        }
        return r;
    }

    private boolean info(String name) {
        DmTask t = lib.taskCreate(Type.INFO);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return displayInfo(t);
    }

    /** {@code _display_info} / {@code _display_info_long}. */
    private boolean displayInfo(DmTask t) {
        DmTask.Info info = t.getInfo();
        if (info == null) {
            return false;
        }
        if (!info.exists()) {
            out.print("Device does not exist.\n");
            return false;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Name:              ").append(t.getName()).append('\n');
        sb.append("State:             ").append(info.suspended() ? "SUSPENDED" : "ACTIVE")
                .append(info.readOnly() ? " (READ-ONLY)" : "").append('\n');
        sb.append("Read Ahead:        0\n");
        if (!info.liveTable() && !info.inactiveTable()) {
            sb.append("Tables present:    None\n");
        } else {
            sb.append("Tables present:    ").append(info.liveTable() ? "LIVE" : "")
                    .append(info.liveTable() && info.inactiveTable() ? " & " : "")
                    .append(info.inactiveTable() ? "INACTIVE" : "").append('\n');
        }
        if (info.openCount() != -1) {
            sb.append("Open count:        ").append(info.openCount()).append('\n');
        }
        sb.append("Event number:      ").append(info.eventNr()).append('\n');
        sb.append("Major, minor:      ").append(info.major()).append(", ").append(info.minor()).append('\n');
        if (info.targetCount() != -1) {
            sb.append("Number of targets: ").append(info.targetCount()).append('\n');
        }
        if (!t.getUuid().isEmpty()) {
            sb.append("UUID: ").append(t.getUuid()).append('\n');
        }
        sb.append('\n');
        out.print(sb);
        return true;
    }

    private boolean deps(String name, boolean all) {
        DmTask t = lib.taskCreate(Type.DEPS);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        DmTask.Info info = t.getInfo();
        if (info == null) {
            return false;
        }
        if (!info.exists()) {
            out.print("Device does not exist.\n");
            return true;
        }
        if (verbose > 0) {
            displayInfo(t);
        }
        StringBuilder sb = new StringBuilder();
        if (all && verbose == 0) {
            sb.append(name).append(": ");
        }
        sb.append(t.deps().size()).append(" dependencies\t:");
        for (long[] d : t.deps()) {
            sb.append(" (").append(d[0]).append(", ").append(d[1]).append(')');
        }
        sb.append('\n');
        if (all && verbose > 0) {
            sb.append('\n');
        }
        out.print(sb);
        return true;
    }

    /** {@code _status} for {@code status}, {@code table} and {@code ls --target}. */
    private boolean status(List<String> argv, DmTask.Name data) {
        String name = null;
        int argc = argv.size();
        if (data != null) {
            name = data.name();
        } else {
            if (argc == 1 && uuid == null && !majorSet) {
                return processAll(false, n -> status(argv, n));
            }
            if (argc == 2) {
                name = argv.get(1);
            }
        }
        Type type = argv.get(0).equals("table") ? Type.TABLE : Type.STATUS;
        boolean lsOnly = argv.get(0).equals("ls");
        DmTask t = lib.taskCreate(type);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        if (inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        DmTask.Info info = t.getInfo();
        if (info == null || !info.exists()) {
            return false;
        }
        if (name == null) {
            name = t.getName();
        }
        StringBuilder sb = new StringBuilder();
        List<DmTask.Target> ts = t.targets();
        boolean matched = false;
        int i = 0;
        do {
            DmTask.Target x = i < ts.size() ? ts.get(i) : null;
            i++;
            if (target != null && (x == null || !x.type().equals(target))) {
                continue;
            }
            if (lsOnly) {
                sb.append(name).append("\t(").append(info.major()).append(", ").append(info.minor()).append(")\n");
                i = ts.size();
            } else {
                if (!matched && verbose > 0) {
                    out.print(sb);
                    sb.setLength(0);
                    displayInfo(t);
                }
                if (data != null && verbose == 0) {
                    sb.append(name).append(": ");
                }
                if (x != null) {
                    String params = x.params();
                    if (!showkeys && type == Type.TABLE && x.type().equals("crypt")) {
                        params = blankKey(params);
                    }
                    sb.append(Long.toUnsignedString(x.start())).append(' ').append(Long.toUnsignedString(x.length()))
                            .append(' ').append(x.type()).append(' ').append(params);
                }
                sb.append('\n');
            }
            matched = true;
        } while (i < ts.size());
        if (data != null && verbose > 0 && matched && !lsOnly) {
            sb.append('\n');
        }
        out.print(sb);
        return true;
    }

    /** The crypt key (second word) replaced by zeros, as dmsetup hides it without --showkeys. */
    static String blankKey(String params) {
        char[] c = params.toCharArray();
        int p = 0;
        while (p < c.length && c[p] != ' ') {
            p++;
        }
        if (p < c.length) {
            p++;
        }
        while (p < c.length && c[p] != ' ') {
            c[p++] = '0';
        }
        return new String(c);
    }

    private boolean targets() {
        DmTask t = lib.taskCreate(Type.LIST_VERSIONS);
        if (t == null || !t.run()) {
            return false;
        }
        List<DmTask.Version> vs = t.versions();
        if (vs.isEmpty()) {
            vs = List.of(new DmTask.Version("", new long[3]));
        }
        StringBuilder sb = new StringBuilder();
        for (DmTask.Version v : vs) {
            sb.append(String.format("%-16s v%d.%d.%d\n", v.name(), (int) v.version()[0], (int) v.version()[1],
                    (int) v.version()[2]));
        }
        out.print(sb);
        return true;
    }

    /** {@code _get_cookie_value}: 0 (after the message) if invalid. */
    private long cookie(String s) {
        long v;
        try {
            v = Long.decode(s.strip());
        } catch (NumberFormatException e) {
            v = 0;
        }
        if (v <= 0 || v > 0xFFFFFFFFL) {
            err.print("Incorrect cookie value\n");
            return 0;
        }
        return v;
    }

    private boolean udevflags(String arg) {
        long c = cookie(arg);
        if (c == 0) {
            return false;
        }
        String[] names = {"DISABLE_DM_RULES", "DISABLE_SUBSYSTEM_RULES", "DISABLE_DISK_RULES",
            "DISABLE_OTHER_RULES", "LOW_PRIORITY", null, null, null};
        int flags = (int) (c >>> 16);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if ((flags & (1 << i)) != 0) {
                if (i < 8 && names[i] != null) {
                    sb.append("DM_UDEV_").append(names[i]).append("_FLAG='1'\n");
                } else if (i < 8) {
                    sb.append("DM_UDEV_FLAG").append(i).append("='1'\n");
                } else {
                    sb.append("DM_SUBSYSTEM_UDEV_FLAG").append(i - 8).append("='1'\n");
                }
            }
        }
        out.print(sb);
        return true;
    }
}
