package org.dmemu.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;

/**
 * {@code dmemu serve}: boots the emulated kernel and serves it until SIGINT/SIGTERM.
 *
 * <pre>
 * dmemu serve [--state DIR] [--disk UNIT=SOURCE[,secsize=N]]... [--targets T1,T2]
 *             [--strict-errno] [--strict-offsets] [--trace]
 *             [--control PATH] [--nbd-port N] [--nbd-bind ADDR] [--no-discard]
 * </pre>
 *
 * Without {@code --disk} the kernel gets two disks, wd0 and wd1: 256 MiB sparse images
 * {@code wd0.img}/{@code wd1.img} in the state directory (default {@code ./state}), created on
 * first run ({@link StateDir}).
 *
 * <p>Differences from NetBSD: not a NetBSD program; see docs/userland.md.
 */
public final class Serve {
    private Serve() {
    }

    static final String USAGE = "usage: dmemu serve [--state DIR] [--disk UNIT=SOURCE[,secsize=N]]... "
            + "[--targets LIST] [--strict-errno] [--strict-offsets] [--trace] [--control PATH] "
            + "[--nbd-port N] [--nbd-bind ADDR] [--no-discard]";

    /** Parsed command line. */
    record Options(Path state, List<DiskSpec> disks, Set<String> targets, boolean strictErrno,
                   boolean strictOffsets, boolean trace, Path control, InetAddress nbdBind, int nbdPort,
                   boolean noDiscard) {
    }

    /** A command-line mistake: one line for stderr. */
    static final class UsageException extends Exception {
        UsageException(String msg) {
            super(msg);
        }
    }

    static Options parse(String[] args) throws UsageException {
        Path state = Path.of("state");
        List<DiskSpec> disks = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>();
        boolean strictErrno = false;
        boolean strictOffsets = false;
        boolean trace = false;
        Path control = null;
        String bind = "127.0.0.1";
        int port = 10809;
        boolean noDiscard = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--state" -> state = Path.of(value(args, ++i, a));
                case "--disk" -> disks.add(parseDisk(value(args, ++i, a)));
                case "--targets" -> {
                    for (String t : value(args, ++i, a).split(",")) {
                        if (!t.equals("delay") && !t.equals("flakey")) {
                            throw new UsageException("--targets: unknown target '" + t
                                    + "' (extra targets: delay, flakey)");
                        }
                        targets.add(t);
                    }
                }
                case "--strict-errno" -> strictErrno = true;
                case "--strict-offsets" -> strictOffsets = true;
                case "--trace" -> trace = true;
                case "--no-discard" -> noDiscard = true;
                case "--control" -> control = Path.of(value(args, ++i, a));
                case "--nbd-bind" -> bind = value(args, ++i, a);
                case "--nbd-port" -> {
                    String v = value(args, ++i, a);
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        throw new UsageException("--nbd-port: not a port number: " + v);
                    }
                }
                default -> {
                    if (a.startsWith("--disk=")) {
                        disks.add(parseDisk(a.substring("--disk=".length())));
                    } else {
                        throw new UsageException("unknown option: " + a);
                    }
                }
            }
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("--nbd-bind: unknown address: " + bind);
        }
        return new Options(state, disks, targets, strictErrno, strictOffsets, trace,
                control != null ? control : state.resolve("control"), addr, port, noDiscard);
    }

    private static String value(String[] args, int i, String opt) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(opt + " needs a value");
        }
        return args[i];
    }

    /** {@code UNIT=SOURCE[,secsize=N]} as replay takes it ({@link DiskSpec#parse}). */
    static DiskSpec parseDisk(String s) throws UsageException {
        try {
            return DiskSpec.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--disk: " + e.getMessage());
        }
    }

    /** The subcommand: runs until the process is told to stop. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            err.println("dmemu serve: " + e.getMessage());
            return 64;
        }
        ServeDaemon d;
        try {
            List<DiskSpec> disks = o.disks();
            Files.createDirectories(o.state());
            if (disks.isEmpty()) {
                disks = StateDir.defaultDisks(o.state(), out);
            }
            for (DiskSpec s : disks) {
                out.println("dmemu serve: disk " + s.unit() + " " + s.source()
                        + (s.secsize() != 512 ? " secsize " + s.secsize() : ""));
            }
            KernelConfig config = new KernelConfig(disks, o.targets(), o.strictErrno(), o.strictOffsets(),
                    o.trace() ? err : null);
            d = ServeDaemon.start(config, o.control(), o.nbdBind(), o.nbdPort(), !o.noDiscard());
        } catch (IOException | RuntimeException e) {
            err.println("dmemu serve: " + e.getMessage());
            return 1;
        }
        d.describe(out);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stopped.countDown();
        }, "dmemu-serve-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            d.close();
        }
        return 0;
    }
}
