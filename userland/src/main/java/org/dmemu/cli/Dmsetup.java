package org.dmemu.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>This class is the entry point and {@code main}: it reads the switches
 * ({@link DmsetupOptions}), finds the command ({@link DmsetupCommand}), checks its argument
 * count and dispatches, as tools/dmsetup.c {@code main} does. The commands live in
 * {@link DmsetupLoad} (create/load/reload), {@link DmsetupRemove} (remove/remove_all),
 * {@link DmsetupModify} (rename/message/setgeometry), {@link DmsetupInfo} (info/deps),
 * {@link DmsetupStatus} (status/table/ls), {@link DmsetupVersion} (version/targets) and
 * {@link DmsetupUdev} (udev*); suspend, resume, clear and wait are one {@code _simple} task
 * each ({@link DmsetupContext#simple}) and mknodes is one library call.
 * {@link DmsetupTableFile} reads the tables.
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
    /** Unsupported in dmemu (see the class comment): message and status 1. */
    static final class Unsupported extends Exception {
        Unsupported(String msg) {
            super(msg, null, false, false);
        }
    }

    private final DmsetupOptions opts;
    private final DmsetupContext ctx;
    private final Libdevmapper lib;
    private final PrintStream out;
    private final PrintStream err;

    private Dmsetup(DmTransport t, InputStream in, PrintStream out, PrintStream err) {
        this.lib = new Libdevmapper(t, out, err);
        this.opts = new DmsetupOptions(err);
        this.ctx = new DmsetupContext(lib, in, out, err, opts);
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
            DmsetupCommand.usage(out);
            return 0;
        }
        List<String> rest = new ArrayList<>();
        if (!opts.processSwitches(args, rest)) {
            err.print("Couldn't process command line.\n");
            return 1;
        }
        DmsetupCommand c;
        if (opts.version) {
            c = DmsetupCommand.find("version");
        } else {
            if (rest.isEmpty()) {
                DmsetupCommand.usage(err);
                return 1;
            }
            c = DmsetupCommand.find(rest.get(0));
            if (c == null) {
                err.print("Unknown command\n");
                DmsetupCommand.usage(err);
                return 1;
            }
            int argc = rest.size();
            if (argc < c.minArgs() + 1 || (c.maxArgs() >= 0 && argc > c.maxArgs() + 1)) {
                err.print("Incorrect number of arguments\n");
                DmsetupCommand.usage(err);
                return 1;
            }
        }
        if (opts.columns || c.name().equals("splitname") || opts.optionsSet || opts.sortSet) {
            if (!c.name().equals("help") || opts.columns) {
                throw new Unsupported("report output (-c/-C/--columns, -o, -O, splitname) is not emulated");
            }
        }
        if (!dispatch(c.name(), rest)) {
            err.print("Command failed\n");
            return 1;
        }
        return 0;
    }

    // ---- commands ----

    /** The {@code _commands[]} function of {@code name}, run with {@code argv} = the command and its operands. */
    private boolean dispatch(String name, List<String> argv) throws Unsupported {
        int argc = argv.size();
        return switch (name) {
            case "help" -> {
                DmsetupCommand.usage(err);
                yield true;
            }
            case "create" -> new DmsetupLoad(ctx).create(argv);
            case "remove" -> new DmsetupRemove(ctx).remove(argv);
            case "remove_all" -> new DmsetupRemove(ctx).removeAll();
            case "suspend" -> ctx.simple(Type.SUSPEND, argc > 1 ? argv.get(1) : null, 0, true);
            case "resume" -> ctx.simple(Type.RESUME, argc > 1 ? argv.get(1) : null, 0, true);
            case "clear" -> ctx.simple(Type.CLEAR, argc > 1 ? argv.get(1) : null, 0, true);
            case "load", "reload" -> new DmsetupLoad(ctx).load(argv);
            case "rename" -> new DmsetupModify(ctx).rename(argv);
            case "message" -> new DmsetupModify(ctx).message(argv);
            case "ls" -> new DmsetupStatus(ctx).ls(argv);
            case "info" -> new DmsetupInfo(ctx).info(argv);
            case "deps" -> new DmsetupInfo(ctx).deps(argv);
            case "status", "table" -> new DmsetupStatus(ctx).status(argv, null);
            case "wait" -> waitEvent(argv);
            case "mknodes" -> lib.mknodes(argc > 1 ? argv.get(1) : null);
            case "udevflags" -> new DmsetupUdev(ctx).udevflags(argv.get(1));
            case "udevcomplete" -> new DmsetupUdev(ctx).udevcomplete(argv.get(1));
            case "udevcomplete_all", "udevcookies" -> new DmsetupUdev(ctx).notSupported();
            case "targets" -> new DmsetupVersion(ctx).targets();
            case "version" -> new DmsetupVersion(ctx).version();
            case "setgeometry" -> new DmsetupModify(ctx).setgeometry(argv);
            default -> throw new Unsupported(name + " is not emulated");
        };
    }

    /** {@code _wait}: {@code wait [DEVICE] [EVENT_NR]}, a {@code _simple} WAITEVENT. */
    private boolean waitEvent(List<String> argv) {
        String dev = null;
        List<String> a = argv;
        if (opts.uuid == null && !opts.majorSet) {
            if (argv.size() == 1) {
                err.print("No device specified.\n");
                return false;
            }
            dev = a.get(1);
            a = a.subList(1, a.size());
        }
        return ctx.simple(Type.WAITEVENT, dev,
                a.size() > 1 ? DmsetupOptions.atoi(a.get(a.size() - 1)) & 0xffffffffL : 0, true);
    }
}
