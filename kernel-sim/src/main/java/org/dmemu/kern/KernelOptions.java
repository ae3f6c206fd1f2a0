package org.dmemu.kern;

import org.dmemu.sys.TraceText;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command-line options of every front end that boots an emulated kernel ({@code serve},
 * {@code replay}): one parser and one help text, so that a kernel option added here exists in
 * all of them.
 *
 * <p>A front end walks its arguments and offers each one to {@link #accept(String[], int)}
 * first; what is not a kernel option is the front end's own (daemon options, FILE, …).
 *
 * <pre>
 * --disk UNIT=SOURCE[,secsize=N]   (repeatable; also --disk=…)
 * --targets LIST                   delay,flakey,multipath,snapshot,mirror
 * --strict-errno  --strict-offsets  --trace  --lint
 * </pre>
 *
 * <p>Differences from NetBSD: these stand for a kernel configuration file and boot-time
 * choices; {@code --strict-errno}, {@code --strict-offsets}, {@code --trace} and
 * {@code --lint} are dmemu features (docs/differences.md, docs/trace.md, docs/lint.md).
 */
public final class KernelOptions {
    /** The synopsis fragment, for usage lines. */
    public static final String SYNOPSIS = "[--disk UNIT=SOURCE[,secsize=N]]... [--targets LIST] [--strict-errno]"
            + " [--strict-offsets] [--trace] [--lint]";

    /** The help text of the kernel options, one option a line. */
    public static final String HELP = String.join("\n",
            "kernel options:",
            "  --disk UNIT=SOURCE[,secsize=N]  a disk unit (wd0, sd1, ld0, vnd0 ...); SOURCE is mem:SIZE or",
            "                                  file:PATH; repeatable; no other disk exists",
            "  --targets LIST                  also compile in these targets NetBSD ships unbuilt: delay,flakey;",
            "                                  and Linux's multipath,snapshot,mirror,crypt (dmemu extensions)",
            "  --strict-errno                  an ioctl returns the handler's errno (as DragonFly does)",
            "                                  instead of NetBSD's 0 with the error only in the reply",
            "  --strict-offsets                refuse a table whose component covers a disk's label sector",
            "  --trace                         print the teaching trace of the kernel on standard error",
            "  --lint                          warn on standard error about each request NetBSD accepts but",
            "                                  silently reinterprets or drops (docs/lint.md)");

    private static final Set<String> EXTRA_TARGETS = org.dmemu.dev.dm.target.DmTargetList.EXTRAS;

    private final List<DiskSpec> disks = new ArrayList<>();
    private final Set<String> targets = new LinkedHashSet<>();
    private boolean strictErrno;
    private boolean strictOffsets;
    private boolean trace;
    private boolean lint;

    /**
     * Consumes {@code args[i]} (and its value) if it is a kernel option.
     *
     * @return the number of arguments consumed: 0 if {@code args[i]} is not a kernel option
     * @throws IllegalArgumentException a one-line message naming the mistake
     */
    public int accept(String[] args, int i) {
        String a = args[i];
        switch (a) {
            case "--disk":
                disks.add(disk(value(args, i)));
                return 2;
            case "--targets":
                targets(value(args, i));
                return 2;
            case "--strict-errno":
                strictErrno = true;
                return 1;
            case "--strict-offsets":
                strictOffsets = true;
                return 1;
            case "--trace":
                trace = true;
                return 1;
            case "--lint":
                lint = true;
                return 1;
            default:
                if (a.startsWith("--disk=")) {
                    disks.add(disk(a.substring("--disk=".length())));
                    return 1;
                }
                if (a.startsWith("--targets=")) {
                    targets(a.substring("--targets=".length()));
                    return 1;
                }
                return 0;
        }
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static DiskSpec disk(String s) {
        try {
            return DiskSpec.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--disk: " + e.getMessage());
        }
    }

    private void targets(String list) {
        for (String t : list.split(",")) {
            if (!EXTRA_TARGETS.contains(t)) {
                throw new IllegalArgumentException("--targets: unknown target '" + t + "' (extra targets: delay, flakey, multipath, snapshot, mirror, crypt)");
            }
            targets.add(t);
        }
    }

    /** The {@code --disk} units in the order given (empty: the front end's default disks). */
    public List<DiskSpec> disks() {
        return List.copyOf(disks);
    }

    public Set<String> targets() {
        return Set.copyOf(targets);
    }

    public boolean strictErrno() {
        return strictErrno;
    }

    public boolean strictOffsets() {
        return strictOffsets;
    }

    public boolean trace() {
        return trace;
    }

    /** {@code --lint}: the front end wraps its control ioctls in {@link org.dmemu.conform.Lint}. */
    public boolean lint() {
        return lint;
    }

    /**
     * The kernel configuration: the {@code --disk} units, or {@code defaultDisks} when none was
     * given; the trace goes to {@code traceOut} when {@code --trace} was given.
     */
    public KernelConfig config(List<DiskSpec> defaultDisks, PrintStream traceOut) {
        return new KernelConfig(disks.isEmpty() ? defaultDisks : disks, targets, strictErrno, strictOffsets,
                trace ? new TraceText(traceOut) : null);
    }
}
