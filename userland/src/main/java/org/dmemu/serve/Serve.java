package org.dmemu.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.dmemu.conform.ControlTap;
import org.dmemu.conform.ReplayRecorder;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.web.HttpAddress;
import org.dmemu.web.TraceTap;
import org.dmemu.web.WebView;
import org.dmemu.kern.KernelOptions;

/**
 * {@code dmemu serve}: boots the emulated kernel and serves it until SIGINT/SIGTERM.
 *
 * <pre>
 * dmemu serve [--state DIR] [--control PATH] [--nbd-tcp [ADDR:]PORT] [--no-discard]
 *             [--record FILE] [kernel options: see {@link KernelOptions}]
 * </pre>
 *
 * Without {@code --disk} the kernel gets two disks, wd0 and wd1: 256 MiB sparse images
 * {@code wd0.img}/{@code wd1.img} in the state directory (default {@code ./state}), created on
 * first run ({@link StateDir}). NBD is served on the owner-only socket {@code STATE/nbd.sock};
 * TCP only with {@code --nbd-tcp}.
 *
 * <p>Order of the start, so that a mistake costs nothing: the state directory is checked and
 * locked, the TCP port (if any) is bound, and only then are images created, checked and locked,
 * the kernel booted and the sockets created. Every refusal is one line and exit status 1.
 *
 * <p>Differences from NetBSD: not a NetBSD program; see docs/userland.md.
 */
public final class Serve {
    private Serve() {
    }

    static final String USAGE = "usage: dmemu serve [--state DIR] [--control PATH] [--nbd-tcp [ADDR:]PORT] "
            + "[--no-discard] [--record FILE] [--http [ADDR:]PORT] " + KernelOptions.SYNOPSIS;

    /** What {@code serve --help} prints after the usage line (then the kernel options' help). */
    static final String HELP = """

            Boots the emulated NetBSD kernel on its disks and serves it until interrupted:
              STATE/control   the control socket (dmctl, dmsetup), owner-only
              STATE/nbd.sock  NBD, owner-only: nbd+unix:///NAME?socket=STATE/nbd.sock
            daemon options:
              --state DIR            state directory (default ./state); it must be yours and not
                                     writable by group or others; created 0700 if missing; without
                                     --disk it holds the default disks wd0.img and wd1.img
              --control PATH         the control socket (default STATE/control)
              --nbd-tcp [ADDR:]PORT  also serve NBD over TCP (address default 127.0.0.1); NBD has no
                                     authentication, so anyone who can connect can read and write
              --no-discard           no NBD trim; write-zeroes writes zeros instead of punching holes
              --record FILE          append every control request to FILE in the replay format
              --http [ADDR:]PORT     serve the live view of the kernel (docs/web.md): a page with a
                                     random token in its URL; loopback unless ADDR; PORT 0 picks
                                     a free port
            Restarting: dm devices live in the emulated kernel's memory and are gone after a
            restart, exactly as after a NetBSD reboot; the disk images keep their data, so
            create, reload and resume the devices again.
            """;

    /** Parsed command line: the daemon's options and the kernel's ({@code nbdTcp} null: no TCP). */
    record Options(Path state, KernelOptions kernel, Path control, InetSocketAddress nbdTcp, boolean noDiscard,
                   Path record, HttpAddress http) {
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
        InetSocketAddress tcp = null;
        boolean noDiscard = false;
        HttpAddress http = null;
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
                case "--no-discard" -> noDiscard = true;
                case "--nbd-tcp" -> tcp = parseTcp(value(args, ++i, a));
                case "--http" -> http = parseHttp(value(args, ++i, a));
                default -> {
                    if (a.startsWith("--nbd-tcp=")) {
                        tcp = parseTcp(a.substring("--nbd-tcp=".length()));
                    } else {
                        throw new UsageException("unknown option: " + a);
                    }
                }
            }
        }
        return new Options(state, kernel, control != null ? control : state.resolve("control"), tcp, noDiscard,
                record, http);
    }

    private static HttpAddress parseHttp(String v) throws UsageException {
        try {
            return HttpAddress.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code PORT}, {@code ADDR:PORT} or {@code [IPV6]:PORT}; the address defaults to 127.0.0.1. */
    static InetSocketAddress parseTcp(String v) throws UsageException {
        String host = "127.0.0.1";
        String port = v;
        if (v.startsWith("[")) {
            int close = v.indexOf("]:");
            if (close < 0) {
                throw new UsageException("--nbd-tcp: expected [ADDR:]PORT, e.g. 10809 or [::1]:10809, not " + v);
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
        } else if (v.indexOf(':') >= 0) {
            if (v.indexOf(':') != v.lastIndexOf(':')) {
                throw new UsageException("--nbd-tcp: write an IPv6 address in brackets: [" + v.substring(0,
                        v.lastIndexOf(':')) + "]" + v.substring(v.lastIndexOf(':')));
            }
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw new UsageException("--nbd-tcp: not a port number: " + port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new UsageException("--nbd-tcp: unknown address: " + host);
        }
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
        // No thread of the daemon prints a stack trace: an internal failure is one line.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> err.println("dmemu serve: " + t.getName()
                + ": internal error: " + e));
        Running r = boot(o, out, err);
        if (r == null) {
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            r.close();
            stopped.countDown();
        }, "dmemu-serve-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            r.close();
        }
        return 0;
    }

    /** A booted daemon with the locks it holds; {@link #close()} stops it and releases them. */
    record Running(ServeDaemon daemon, FileLock stateLock, List<FileLock> imageLocks, ReplayRecorder recorder,
                   WebView web) implements AutoCloseable {
        @Override
        public void close() {
            closeQuietly(web);
            daemon.close();
            closeQuietly(recorder);
            StateDir.release(imageLocks);
            closeQuietly(stateLock.channel());
        }
    }

    /**
     * Checks, locks, creates and boots as the class comment orders it, then prints the
     * listeners; returns null after printing the one-line reason when it refuses or fails (a
     * state directory it created is removed again).
     */
    static Running boot(Options o, PrintStream out, PrintStream err) {
        FileLock stateLock = null;
        List<FileLock> imageLocks = List.of();
        ServerSocketChannel tcp = null;
        boolean[] fresh = new boolean[1];
        ReplayRecorder recorder = null;
        ServeDaemon d = null;
        WebView web = null;
        try {
            Path state = StateDir.check(o.state(), fresh);
            stateLock = StateDir.lock(state);
            if (o.nbdTcp() != null) {
                tcp = bindTcp(o.nbdTcp());
                if (!o.nbdTcp().getAddress().isLoopbackAddress()) {
                    err.println("dmemu serve: warning: NBD on " + NbdServer.hostPort(o.nbdTcp())
                            + " is reachable from the network: NBD has no authentication, anyone who can connect"
                            + " reads and writes the disks");
                }
            }
            List<DiskSpec> disks = o.disks();
            if (disks.isEmpty()) {
                disks = StateDir.defaultDisks(state, out);
            }
            imageLocks = StateDir.lockImages(disks);
            for (String w : StateDir.damage(disks)) {
                err.println(w);
            }
            for (DiskSpec s : disks) {
                out.println("dmemu serve: disk " + s.unit() + " " + s.source()
                        + (s.secsize() != 512 ? " secsize " + s.secsize() : ""));
            }
            KernelConfig config = o.kernel().config(disks, err);
            TraceTap traceTap = null;
            if (o.http() != null) {
                // the view reads the kernel's trace; --trace still prints it on stderr
                traceTap = new TraceTap(config.trace(), 4000);
                config = new KernelConfig(config.disks(), config.extraTargets(), config.strictErrno(),
                        config.strictOffsets(), traceTap);
            }
            if (o.record() != null) {
                recorder = ReplayRecorder.open(o.record(), "kernel " + describe(config));
                out.println("dmemu serve: recording control requests to " + o.record());
            }
            ControlTap tap = recorder == null && !o.kernel().lint() ? null
                    : new ControlTap(recorder, o.kernel().lint(), err);
            d = ServeDaemon.start(config, o.control(), state.resolve("nbd.sock"), tcp, !o.noDiscard(), tap, err);
            if (o.http() != null) {
                web = startWeb(d, traceTap, o.http());
                String warn = o.http().warning("dmemu serve");
                if (warn != null) {
                    err.println(warn);
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("dmemu serve: " + message(e));
            if (d != null) {
                d.close();
            }
            closeQuietly(recorder);
            closeQuietly(tcp);
            StateDir.release(imageLocks);
            if (stateLock != null) {
                closeQuietly(stateLock.channel());
            }
            if (fresh[0]) {
                StateDir.removeFresh(o.state()); // a refused start leaves nothing behind
            }
            return null;
        }
        d.describe(out);
        if (web != null) {
            out.println("dmemu serve: http " + web.url());
        }
        out.flush();
        return new Running(d, stateLock, imageLocks, recorder, web);
    }

    /** The live view; a taken port is one line naming the address and the option. */
    private static WebView startWeb(ServeDaemon d, TraceTap traceTap, HttpAddress http) throws IOException {
        try {
            return WebView.start(d.kernel(), traceTap, http.address(), http.port());
        } catch (BindException e) {
            throw new StateDir.Refused("cannot serve the web view on " + NbdServer.hostPort(
                    new InetSocketAddress(http.address(), http.port())) + ": " + e.getMessage()
                    + " (choose another with --http [ADDR:]PORT)");
        }
    }

    /** Binds the NBD TCP port; a taken port is one line naming the address and the option. */
    private static ServerSocketChannel bindTcp(InetSocketAddress a) throws IOException {
        try {
            return NbdServer.bindTcp(a);
        } catch (BindException e) {
            throw new StateDir.Refused("cannot serve NBD on " + NbdServer.hostPort(a) + ": " + e.getMessage()
                    + " (another server has it? choose another with --nbd-tcp [ADDR:]PORT)");
        }
    }

    /** One line for an exception: its message, with the file when the JDK gives it apart. */
    static String message(Exception e) {
        if (e instanceof StateDir.Refused) {
            return e.getMessage();
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "file exists"
                    : e.getClass().getSimpleName();
            return f.getFile() + ": " + reason;
        }
        String m = e.getMessage();
        return m != null ? m : e.toString();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
