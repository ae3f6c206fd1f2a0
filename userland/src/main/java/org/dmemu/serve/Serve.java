package org.dmemu.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.dmemu.conform.ControlTap;
import org.dmemu.conform.ReplayRecorder;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelOptions;

/**
 * {@code dmemu serve}: boots the emulated kernel and serves it until SIGINT/SIGTERM.
 *
 * <pre>
 * dmemu serve [--state DIR] [--control PATH] [--nbd-port N] [--nbd-bind ADDR] [--record FILE]
 *             [kernel options: see {@link KernelOptions}]
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

    static final String USAGE = "usage: dmemu serve [--state DIR] [--control PATH] [--nbd-port N] "
            + "[--nbd-bind ADDR] [--record FILE] " + KernelOptions.SYNOPSIS;

    /** The daemon's own options, for --help. */
    static final String HELP = String.join("\n",
            "daemon options:",
            "  --state DIR        where the default disk images and the control socket live (./state)",
            "  --control PATH     the control socket (DIR/control)",
            "  --nbd-port N       the NBD port (10809; 0 picks a free one)",
            "  --nbd-bind ADDR    the NBD address (127.0.0.1)",
            "  --record FILE      append every control request to FILE in the replay format");

    /** Parsed command line: the daemon's options and the kernel's. */
    record Options(Path state, KernelOptions kernel, Path control, InetAddress nbdBind, int nbdPort, Path record) {
        List<DiskSpec> disks() {
            return kernel.disks();
        }

        Set<String> targets() {
            return kernel.targets();
        }

        boolean strictErrno() {
            return kernel.strictErrno();
        }

        boolean strictOffsets() {
            return kernel.strictOffsets();
        }

        boolean trace() {
            return kernel.trace();
        }
    }

    /** A command-line mistake: one line for stderr. */
    static final class UsageException extends Exception {
        UsageException(String msg) {
            super(msg);
        }
    }

    static Options parse(String[] args) throws UsageException {
        Path state = Path.of("state");
        KernelOptions kernel = new KernelOptions();
        Path control = null;
        Path record = null;
        String bind = "127.0.0.1";
        int port = 10809;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int n;
            try {
                n = kernel.accept(args, i);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (n > 0) {
                i += n - 1;
                continue;
            }
            switch (a) {
                case "--state" -> state = Path.of(value(args, ++i, a));
                case "--control" -> control = Path.of(value(args, ++i, a));
                case "--record" -> record = Path.of(value(args, ++i, a));
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
                default -> throw new UsageException("unknown option: " + a);
            }
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("--nbd-bind: unknown address: " + bind);
        }
        return new Options(state, kernel, control != null ? control : state.resolve("control"), addr, port, record);
    }

    private static String value(String[] args, int i, String opt) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(opt + " needs a value");
        }
        return args[i];
    }

    /** The kernel options as command-line words, for the recording's header. */
    static String describe(KernelConfig c) {
        StringBuilder sb = new StringBuilder();
        for (DiskSpec s : c.disks()) {
            sb.append("--disk ").append(s.unit()).append('=').append(s.source())
                    .append(s.secsize() != 512 ? ",secsize=" + s.secsize() : "").append(' ');
        }
        if (!c.extraTargets().isEmpty()) {
            sb.append("--targets ").append(String.join(",", new java.util.TreeSet<>(c.extraTargets()))).append(' ');
        }
        sb.append(c.strictErrno() ? "--strict-errno " : "").append(c.strictOffsets() ? "--strict-offsets " : "");
        return sb.toString().strip();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing more to do at exit
            }
        }
    }

    /** The subcommand: runs until the process is told to stop. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            out.println(HELP);
            out.println(KernelOptions.HELP);
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
        ReplayRecorder recorder = null;
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
            KernelConfig config = o.kernel().config(disks, err);
            if (o.record() != null) {
                recorder = ReplayRecorder.open(o.record(), "kernel " + describe(config));
                out.println("dmemu serve: recording control requests to " + o.record());
            }
            ControlTap tap = recorder == null && !o.kernel().lint() ? null
                    : new ControlTap(recorder, o.kernel().lint(), err);
            d = ServeDaemon.start(config, o.control(), o.nbdBind(), o.nbdPort(), tap);
        } catch (IOException | RuntimeException e) {
            err.println("dmemu serve: " + e.getMessage());
            closeQuietly(recorder);
            return 1;
        }
        final ReplayRecorder rec = recorder;
        d.describe(out);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            closeQuietly(rec);
            stopped.countDown();
        }, "dmemu-serve-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            d.close();
            closeQuietly(rec);
        }
        return 0;
    }
}
