package org.dmemu.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code dmemu} launcher's entry point: dispatches to one subcommand.
 *
 * <p>Each subcommand lives in the module it belongs to and is listed here with a one-line
 * summary, in the order {@code dmemu --help} prints them.
 */
public final class Main {
    /** Exit status for a command-line mistake (as sysexits' EX_USAGE). */
    public static final int EX_USAGE = 64;
    /** Exit status when dmemu itself failed unexpectedly (EX_SOFTWARE). */
    public static final int EX_SOFTWARE = 70;

    private record Entry(String summary, Subcommand command) {
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        register("serve", "boot the emulated kernel; serve its control socket and NBD exports",
                org.dmemu.serve.Serve::run);
        register("dmctl", "NetBSD's dmctl(8) against a running 'dmemu serve'", Dmctl::run);
        register("dmsetup", "LVM2's dmsetup as NetBSD ships it, against a running 'dmemu serve'", Dmsetup::run);
        register("exec", "run a Linux program against a running 'dmemu serve' (preload library)", Exec::run);
        register("replay", "run ioctl requests and I/O directives against one emulated kernel",
                org.dmemu.web.WebReplay::run);
        register("lvm", "LVM2's lvm (pvs, vgs, lvs, lvdisplay, vgchange, lvchange, vgscan) on the emulated disks",
                org.dmemu.lvm.LvmTool::run);
        register("disklabel", "print or write a NetBSD disklabel on an image",
                org.dmemu.disklabel.tool.DisklabelTool::run);
        register("mkdisk", "create a disk image with an MBR and a NetBSD disklabel",
                org.dmemu.disklabel.tool.MkdiskTool::run);
        register("proplib", "proplib tools: canon (re-externalize a plist as libprop does)",
                org.dmemu.proplib.tool.ProplibTool::run);
        register("cryptsetup", "open/close/status LUKS1, LUKS2 and plain dm-crypt volumes (needs serve --targets crypt)",
                org.dmemu.cryptsetup.Cryptsetup::run);
        register("bench", "run the JMH benchmark suite (handled by the ./dmemu launcher)", Main::benchHint);
    }

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** Runs {@code dmemu ARGS…} and returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("dmemu: missing subcommand (try 'dmemu --help')");
            return EX_USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            usage(out);
            return 0;
        }
        Entry e = COMMANDS.get(name);
        if (e == null) {
            err.println("dmemu: unknown subcommand '" + name + "' (try 'dmemu --help')");
            return EX_USAGE;
        }
        try {
            return e.command().run(Arrays.copyOfRange(args, 1, args.length), in, out, err);
        } catch (RuntimeException | Error ex) {
            err.println("dmemu " + name + ": internal error: " + ex);
            return EX_SOFTWARE;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: dmemu SUBCOMMAND [ARGS...]");
        out.println();
        out.println("An emulator of the NetBSD dm(4) device-mapper driver.");
        out.println();
        out.println("subcommands:");
        for (Map.Entry<String, Entry> e : COMMANDS.entrySet()) {
            out.printf("  %-10s %s%n", e.getKey(), e.getValue().summary());
        }
        out.println();
        out.println("'dmemu SUBCOMMAND --help' describes one subcommand.");
    }

    /**
     * {@code dmemu bench} is run by the launcher script (bench/run-bench), which builds and runs
     * the shaded JMH jar; reaching this jar means it was started some other way.
     */
    private static int benchHint(String[] args, InputStream in, PrintStream out, PrintStream err) {
        err.println("dmemu bench: run it through the ./dmemu launcher (it builds and runs bench/target/benchmarks.jar)");
        return EX_USAGE;
    }

    static void register(String name, String summary, Subcommand command) {
        COMMANDS.put(name, new Entry(summary, command));
    }
}
