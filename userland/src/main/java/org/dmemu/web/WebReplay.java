package org.dmemu.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;

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
    private static final String USAGE = "usage: dmemu replay --http [ADDR:]PORT [--disk UNIT=SOURCE[,secsize=N]]..."
            + " [--targets LIST] [--strict-errno] [--strict-offsets] [--trace] FILE";

    private WebReplay() {
    }

    /** The {@code replay} subcommand: the web step-through with {@code --http}, else plain replay. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (!List.of(args).contains("--http")) {
            return org.dmemu.replay.Replay.run(args, in, out, err);
        }
        HttpAddress http = null;
        List<DiskSpec> disks = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>();
        boolean strictErrno = false;
        boolean strictOffsets = false;
        boolean trace = false;
        String file = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--http" -> http = HttpAddress.parse(value(args, ++i, a));
                    case "--disk" -> disks.add(DiskSpec.parse(value(args, ++i, a)));
                    case "--targets" -> targets.addAll(List.of(value(args, ++i, a).split(",")));
                    case "--strict-errno" -> strictErrno = true;
                    case "--strict-offsets" -> strictOffsets = true;
                    case "--trace" -> trace = true;
                    default -> {
                        if (a.startsWith("-") || file != null) {
                            throw new IllegalArgumentException("unknown option or second FILE: " + a);
                        }
                        file = a;
                    }
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("missing FILE (" + USAGE + ")");
            }
        } catch (IllegalArgumentException e) {
            err.println("dmemu replay: " + e.getMessage());
            return 64;
        }
        if (disks.isEmpty()) {
            disks.add(new DiskSpec("wd0", "mem:64M", 512));
            disks.add(new DiskSpec("wd1", "mem:64M", 512));
        }
        byte[] input;
        try {
            input = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("dmemu replay: " + file + ": " + reason(e));
            return 2;
        }
        TraceTap tap = new TraceTap(trace ? err : null, 4000);
        KernelConfig cfg = new KernelConfig(disks, targets, strictErrno, strictOffsets, tap.stream());
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

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
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
