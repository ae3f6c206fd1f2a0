package org.dmemu.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelOptions;

/**
 * {@code dmemu replay --http [ADDR:]PORT [OPTIONS] FILE}: boots the kernel {@code replay} would
 * boot for FILE, loads FILE into the web view's step-through, and serves the view until
 * interrupted; each click on Step runs one item and shows its output exactly as {@code replay}
 * prints it, with the trace of that item drawn live. Without {@code --http}, plain
 * {@code replay} runs.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
public final class WebReplay {
    private static final String USAGE = "usage: dmemu replay --http [ADDR:]PORT " + KernelOptions.SYNOPSIS + " FILE";

    private WebReplay() {
    }

    /** The {@code replay} subcommand: the web step-through with {@code --http}, else plain replay. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (!List.of(args).contains("--http")) {
            int rc = org.dmemu.replay.Replay.run(args, in, out, err);
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                out.println("web view (docs/web.md):");
                out.println("  --http [ADDR:]PORT              serve the live view and step through FILE one item at a");
                out.println("                                  time (PORT 0: any free port; loopback unless ADDR)");
            }
            return rc;
        }
        HttpAddress http = null;
        KernelOptions kopts = new KernelOptions();
        String file = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                int n = kopts.accept(args, i);
                if (n > 0) {
                    i += n - 1;
                } else if (a.equals("--http")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--http needs a value");
                    }
                    http = HttpAddress.parse(args[++i]);
                } else if (a.startsWith("-") || file != null) {
                    throw new IllegalArgumentException(file == null ? "unknown option " + a
                            : "only one FILE may be given");
                } else {
                    file = a;
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("missing FILE (" + USAGE + ")");
            }
            if (kopts.lint()) {
                throw new IllegalArgumentException("--lint is not available with --http");
            }
        } catch (IllegalArgumentException e) {
            err.println("dmemu replay: " + e.getMessage());
            return 64;
        }
        byte[] input;
        try {
            input = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("dmemu replay: " + file + ": " + reason(e));
            return 2;
        }
        KernelConfig k0 = kopts.config(List.of(new DiskSpec("wd0", "mem:64M", 512),
                new DiskSpec("wd1", "mem:64M", 512)), err);
        TraceTap tap = new TraceTap(k0.trace(), 4000); // k0.trace(): --trace's text on err, or null
        KernelConfig cfg = new KernelConfig(k0.disks(), k0.extraTargets(), k0.strictErrno(), k0.strictOffsets(),
                tap);
        try (Kernel k = Kernel.boot(cfg); WebView view = WebView.start(k, tap, http.address(), http.port())) {
            try {
                view.loadLesson(Path.of(file).getFileName().toString(), input, k);
            } catch (IllegalArgumentException e) {
                err.println("dmemu replay: " + file + ": " + e.getMessage());
                return 2;
            }
            String warn = http.warning("dmemu replay");
            if (warn != null) {
                err.println(warn);
            }
            out.println("dmemu replay: http " + view.url());
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dmemu-replay-stop"));
            stop.await();
        } catch (IOException | IllegalArgumentException e) {
            err.println("dmemu replay: cannot start: " + reason(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }
}
