package org.dmemu.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.LibdmCmd;
import org.dmemu.libdm.LibdmDev;
import org.dmemu.libdm.LibdmIter;
import org.dmemu.libdm.LibdmTable;
import org.dmemu.libdm.LibdmTarget;
import org.dmemu.libdm.LibdmTask;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * Emulates {@code dmctl(8)}, sbin/dmctl/dmctl.c (stored commit 100a3398): the same commands,
 * argument rules, stdin table format, output bytes and exit statuses, through libdm
 * ({@link LibdmTask}).
 *
 * <pre>dmemu dmctl [--control PATH] command [dm-device-name [argument]]</pre>
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>The control node is a {@code dmemu serve} socket: {@code --control PATH} (dmemu's only
 * option, before the command), else {@code $DMEMU_CONTROL}, else {@code ./state/control}.</li>
 * <li>Values C leaves undefined read as 0: an absent {@code target_count} in {@code info}; the
 * start/length/target of a table line {@code sscanf} cannot parse keep the previous line's
 * values (0/"" on the first line) and its params are empty.</li>
 * <li>The program name in messages is always {@code dmctl} ({@code getprogname()}).</li>
 * </ul>
 */
public final class Dmctl {
    static final String PROG = "dmctl";

    private static final int NODEVNAME = 0;
    private static final int DEVNAME = 1;
    private static final int NEWNAME = 2;

    private record Command(String name, String help, String ioctlName, int minArgs) {
    }

    /** {@code commands[]}, in dmctl.c's order (the usage lists them in this order). */
    private static final List<Command> COMMANDS = List.of(
            new Command("version", "Print driver and lib version.", null, NODEVNAME),
            new Command("targets", "List available kernel targets.", null, NODEVNAME),
            new Command("create", "Create device with [dm device name].", null, DEVNAME),
            new Command("ls", "List existing dm devices.", "names", NODEVNAME),
            new Command("info", "Get info about device with [dm device name].", null, DEVNAME),
            new Command("rename", "Rename device with [dm device name] to  [dm device new name].", null, NEWNAME),
            new Command("remove", "Remove device with [dm device name].", null, DEVNAME),
            new Command("resume", "Resume IO on dm device [dm device name].", null, DEVNAME),
            new Command("suspend", "Suspend IO on dm device [dm device name].", null, DEVNAME),
            new Command("deps", "Print physical dependencies for dm device [dm device name].", null, DEVNAME),
            new Command("reload", "Switch active and passive tables for device with [dm device name].", null, DEVNAME),
            new Command("status", "Print status for device with [dm device name].", "table", DEVNAME),
            new Command("table", "Print active table for device with [dm device name].", null, DEVNAME));

    /** {@code err(3)}/{@code errx(3)}/usage: ends the program with status 1. */
    private static final class Exit extends Exception {
        Exit() {
            super(null, null, false, false);
        }
    }

    private final DmTransport transport;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private String dvname;

    private Dmctl(DmTransport transport, InputStream in, PrintStream out, PrintStream err) {
        this.transport = transport;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** The control socket a client uses: {@code --control}, {@code $DMEMU_CONTROL}, or ./state/control. */
    static Path controlPath(String option, Map<String, String> env) {
        if (option != null) {
            return Path.of(option);
        }
        String e = env.get("DMEMU_CONTROL");
        return Path.of(e != null && !e.isEmpty() ? e : "state/control");
    }

    /** The {@code dmemu dmctl} subcommand. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String control = null;
        if (args.length >= 1 && args[0].startsWith("--control")) {
            if (args[0].startsWith("--control=")) {
                control = args[0].substring("--control=".length());
                args = java.util.Arrays.copyOfRange(args, 1, args.length);
            } else if (args[0].equals("--control") && args.length >= 2) {
                control = args[1];
                args = java.util.Arrays.copyOfRange(args, 2, args.length);
            } else {
                err.println("dmemu dmctl: --control needs a path");
                return 64;
            }
        }
        return run(new UnixSocketTransport(controlPath(control, System.getenv()), err), args, in, out, err);
    }

    /** dmctl's {@code main} with {@code argv[1..]} = {@code args}, over the given transport. */
    public static int run(DmTransport transport, String[] args, InputStream in, PrintStream out, PrintStream err) {
        Dmctl d = new Dmctl(transport, in, out, err);
        try {
            d.main(args);
            return 0;
        } catch (Exit e) {
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void main(String[] args) throws Exit {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            // Not in NetBSD's dmctl (which has no options); 'dmemu --help' promises it: usage, status 0.
            out.print(usageText());
            return;
        }
        if (args.length < 1) {
            usage();
        }
        String cmdname = args[0];
        int oargc = 0;
        String[] rest = new String[0];
        if (args.length > 1) {
            oargc = 1;
            dvname = args[1];
        }
        if (args.length > 2) {
            rest = java.util.Arrays.copyOfRange(args, 2, args.length);
            oargc = 2;
        }
        Command c = null;
        for (Command k : COMMANDS) {
            if (k.name().equals(cmdname)) {
                c = k;
                break;
            }
        }
        if (c == null) {
            errx("unknown command: " + cmdname);
        }
        if (c.ioctlName() != null) {
            cmdname = c.ioctlName();
        }
        if (oargc != c.minArgs()) {
            err.print("Insufficient number of arguments for command: " + c.name() + " specified\n");
            usage();
        }
        LibdmTask task = LibdmTask.create(cmdname);
        switch (c.name()) {
            case "version" -> getVersion(task);
            case "targets" -> getTargets(task);
            case "create" -> simple(task, "dmctl_create_dev: libdm_task_run failed.");
            case "ls" -> listDevices(task);
            case "info" -> getDeviceInfo(task);
            case "rename" -> devRename(task, rest[0]);
            case "remove" -> simple(task, "dmctl_dev_remove: libdm_task_run failed.");
            case "resume" -> simple(task, "dmctl_dev_resume: libdm_task_run failed.");
            case "suspend" -> {
                task.setSuspendFlag();
                simple(task, "dmctl_dev_suspend: libdm_task_run failed.");
            }
            case "deps" -> devDeps(task);
            case "reload" -> tableReload(task);
            default -> tableStatus(task);
        }
    }

    private void usage() throws Exit {
        err.print(usageText());
        throw new Exit();
    }

    private static String usageText() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: ").append(PROG).append(" command [dm device name]\nAvailable commands are:\n ");
        for (Command c : COMMANDS) {
            sb.append('\t').append(c.name()).append('\t').append(c.help()).append('\n');
        }
        return sb.toString();
    }

    private void errx(String msg) throws Exit {
        err.print(PROG + ": " + msg + "\n");
        throw new Exit();
    }

    private void err(String msg, int errno) throws Exit {
        out.flush();
        err.print(PROG + ": " + msg + ": " + NetbsdStrerror.strerror(errno) + "\n");
        throw new Exit();
    }

    private void runOrErr(LibdmTask task, String msg) throws Exit {
        int e = task.run(transport);
        if (e != 0) {
            err(msg, e);
        }
    }

    private static String s(String v) {
        return v == null ? "(null)" : v;
    }

    private void getVersion(LibdmTask task) throws Exit {
        long[] ver = new long[3];
        task.getCmdVersion(ver, 3);
        out.print("Library protocol version " + (int) ver[0] + ":" + (int) ver[1] + ":" + (int) ver[2] + "\n");
        runOrErr(task, "dmctl_get_version: libdm_task_run failed.");
        task.getCmdVersion(ver, 3);
        out.print("Kernel protocol version " + (int) ver[0] + ":" + (int) ver[1] + ":" + (int) ver[2] + "\n");
    }

    private void getTargets(LibdmTask task) throws Exit {
        runOrErr(task, "dmctl_get_targets: libdm_task_run failed.");
        LibdmCmd cmd = task.getCmd();
        if (cmd == null) {
            return;
        }
        LibdmIter it = cmd.iter();
        LibdmTarget t;
        long[] ver = new long[3];
        while ((t = it.getTarget()) != null) {
            out.print("Target name: " + s(t.getName()) + "\n");
            t.getVersion(ver, 3);
            out.print("Target version " + (int) ver[0] + "." + (int) ver[1] + "." + (int) ver[2] + "\n\n");
        }
    }

    private void simple(LibdmTask task, String msg) throws Exit {
        task.setName(dvname);
        runOrErr(task, msg);
    }

    private void getDeviceInfo(LibdmTask task) throws Exit {
        task.setName(dvname);
        runOrErr(task, "dmctl_get_device_info: libdm_task_run failed");
        out.print("Printing Device info for:\n"
                + "Device name: \t\t" + s(task.getName()) + "\n"
                + "Device uuid: \t\t" + s(task.getUuid()) + "\n"
                + "Device minor: \t\t" + (int) task.getMinor() + "\n"
                + "Device target number: \t" + (int) task.getTargetNum() + "\n"
                + "Device flags: \t\t" + (int) task.getFlags() + "\n");
    }

    private void listDevices(LibdmTask task) throws Exit {
        runOrErr(task, "dmctl_list_devices: libdm_task_run failed.");
        LibdmCmd cmd = task.getCmd();
        if (cmd == null) {
            return;
        }
        LibdmIter it = cmd.iter();
        LibdmDev dev;
        while ((dev = it.getDev()) != null) {
            out.print("Device name: " + s(dev.getName()) + ", device minor: " + (int) dev.getMinor() + " \n");
        }
    }

    private void devRename(LibdmTask task, String newname) throws Exit {
        task.setName(dvname);
        LibdmCmd cmd = LibdmCmd.create();
        cmd.setNewname(newname);
        task.setCmd(cmd);
        runOrErr(task, "dmctl_dev_rename: libdm_task_run failed.");
    }

    /** NetBSD {@code major(dev_t)}. */
    static int major(long dev) {
        return (int) ((dev & 0x000fff00L) >>> 8);
    }

    /** NetBSD {@code minor(dev_t)}. */
    static int minor(long dev) {
        return (int) (((dev & 0xfff00000L) >>> 12) | (dev & 0xffL));
    }

    private void devDeps(LibdmTask task) throws Exit {
        task.setName(dvname);
        runOrErr(task, "dmctl_dev_deps: libdm_task_run failed.");
        LibdmCmd cmd = task.getCmd();
        if (cmd == null) {
            return;
        }
        LibdmIter it = cmd.iter();
        out.print("Device " + dvname + " dependencies \n");
        long dev;
        while ((dev = it.getDeps()) != 0) {
            out.print("major: " + major(dev) + " minor: " + minor(dev) + "\n");
        }
    }

    private void tableReload(LibdmTask task) throws Exit {
        LibdmCmd cmd = LibdmCmd.create();
        task.setName(dvname);
        TableLineScanner scanner = new TableLineScanner();
        for (String line : stdinLines()) {
            LibdmTable table = LibdmTable.create();
            scanner.scan(line);
            table.setStart(scanner.start);
            table.setLength(scanner.length);
            table.setTarget(scanner.target);
            table.setParams(scanner.params);
            cmd.setTable(table);
        }
        task.setCmd(cmd);
        runOrErr(task, "libdm_task_run: from dmctl_table_reload failed.");
    }

    /** {@code parse_stdin}: {@code fgetln} lines of stdin, the trailing newline removed. */
    private List<String> stdinLines() throws Exit {
        byte[] all;
        try {
            all = in.readAllBytes();
        } catch (IOException e) {
            all = new byte[0];
        }
        List<String> lines = new ArrayList<>();
        int startAt = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(new String(all, startAt, i - startAt, StandardCharsets.UTF_8));
                startAt = i + 1;
            }
        }
        if (startAt < all.length) {
            lines.add(new String(all, startAt, all.length - startAt, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private void tableStatus(LibdmTask task) throws Exit {
        task.setName(dvname);
        task.setStatusFlag();
        runOrErr(task, "libdm_task_run");
        LibdmCmd cmd = task.getCmd();
        if (cmd == null) {
            return;
        }
        LibdmIter it = cmd.iter();
        out.print("Getting device table for device " + dvname + "\n");
        LibdmTable t;
        while ((t = it.getTable()) != null) {
            out.print(String.format("%10s %10s %s\n", Long.toUnsignedString(t.getStart()),
                    Long.toUnsignedString(t.getLength()), s(t.getTarget())));
        }
    }
}
