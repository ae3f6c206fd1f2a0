package org.dmemu.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dmemu.serve.BlockIoServer;

/**
 * {@code dmemu exec}: runs an unmodified Linux program against a running {@code dmemu serve},
 * with the preload library of {@code preload/} (built by the {@code ./dmemu} launcher with the
 * system {@code cc}) intercepting its {@code /dev/mapper/control} and disk-node system calls.
 *
 * <pre>dmemu exec [--control PATH] [--log DIR] -- PROGRAM [ARGS...]</pre>
 *
 * <p>The control socket is found as {@code dmctl} finds it ({@code --control}, then
 * {@code $DMEMU_CONTROL}, then {@code ./state/control}); the block-I/O socket is next to it
 * ({@link BlockIoServer#pathFor}). The program's exit status is returned (128 + N when signal N
 * ended it). See docs/exec.md.
 *
 * <p>Differences from NetBSD: the program runs on the host; see docs/exec.md for what the
 * library covers.
 */
public final class Exec {
    private Exec() {
    }

    static final String USAGE = "usage: dmemu exec [--control PATH] [--log DIR] -- PROGRAM [ARGS...]";
    /** The library's file name, found on LD_LIBRARY_PATH in the directory of each ELF class. */
    static final String LIBRARY = "libdmemu-preload.so";

    /** The subcommand, with the preload directory the launcher exported. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        String dir = System.getenv("DMEMU_PRELOAD_DIR");
        return run(args, dir == null ? null : Path.of(dir), System.getenv(), err, ProcessBuilder.Redirect.INHERIT);
    }

    /**
     * Runs {@code args} with the preload library built in {@code preloadDir} ({@code 64/} and
     * optionally {@code 32/}), the environment {@code env} passed on, its standard output to
     * {@code stdout} (tests capture it; the other streams are inherited).
     */
    static int run(String[] args, Path preloadDir, Map<String, String> env, PrintStream err,
                   ProcessBuilder.Redirect stdout) {
        String control = null;
        String log = null;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                i++;
                break;
            } else if (a.equals("--help") || a.equals("-h")) {
                err.println(USAGE);
                return 0;
            } else if (a.equals("--control") || a.equals("--log")) {
                if (i + 1 >= args.length) {
                    err.println("dmemu exec: " + a + " needs a value");
                    return Main.EX_USAGE;
                }
                if (a.equals("--control")) {
                    control = args[++i];
                } else {
                    log = args[++i];
                }
            } else if (a.startsWith("--control=")) {
                control = a.substring("--control=".length());
            } else if (a.startsWith("--log=")) {
                log = a.substring("--log=".length());
            } else if (a.startsWith("-")) {
                err.println("dmemu exec: unknown option: " + a + "; " + USAGE);
                return Main.EX_USAGE;
            } else {
                break;
            }
        }
        if (i >= args.length) {
            err.println("dmemu exec: missing PROGRAM; " + USAGE);
            return Main.EX_USAGE;
        }
        List<String> command = List.of(args).subList(i, args.length);
        Path lib64 = preloadDir == null ? null : preloadDir.resolve("64").resolve(LIBRARY);
        if (lib64 == null || !Files.isRegularFile(lib64)) {
            err.println("dmemu exec: the preload library is not built: run 'dmemu exec' through the ./dmemu "
                    + "launcher (it builds preload/ with cc)");
            return Main.EX_USAGE;
        }
        Path sock = Dmctl.controlPath(control, env).toAbsolutePath();
        Path bio = BlockIoServer.pathFor(sock);
        String problem = unreachable(sock);
        if (problem != null) {
            err.println("dmemu exec: no dmemu serve at " + sock + " (" + problem + "); start one with 'dmemu serve'");
            return 69;
        }
        if (unreachable(bio) != null) {
            err.println("dmemu exec: " + bio + " is missing: the daemon at " + sock
                    + " has no block-I/O socket (restart it with this dmemu)");
            return 69;
        }
        if (sock.toString().length() > 107 || bio.toString().length() > 107) {
            err.println("dmemu exec: socket path longer than 107 bytes: " + bio);
            return Main.EX_USAGE;
        }
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO().redirectOutput(stdout);
        Map<String, String> pe = pb.environment();
        pe.clear();
        pe.putAll(env);
        String dirs = preloadDir.resolve("64").toAbsolutePath() + ":" + preloadDir.resolve("32").toAbsolutePath();
        pe.put("LD_LIBRARY_PATH", join(dirs, env.get("LD_LIBRARY_PATH")));
        pe.put("LD_PRELOAD", join(LIBRARY, env.get("LD_PRELOAD")));
        pe.put("DMEMU_CONTROL", sock.toString());
        pe.put("DMEMU_BLOCKIO", bio.toString());
        pe.remove("DMEMU_EXEC_LOG");
        if (log != null) {
            Path l = Path.of(log).toAbsolutePath();
            try {
                Files.createDirectories(l);
            } catch (IOException e) {
                err.println("dmemu exec: --log: cannot create " + l + ": " + e.getMessage());
                return 73;
            }
            pe.put("DMEMU_EXEC_LOG", l.toString());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            err.println("dmemu exec: cannot run " + command.get(0) + ": " + reason(e));
            return 127;
        }
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the program decides when it ends
            }
        }
    }

    private static String join(String first, String rest) {
        return rest == null || rest.isEmpty() ? first : first + ":" + rest;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        int k = m == null ? -1 : m.indexOf("error=");
        return k >= 0 ? m.substring(k) : String.valueOf(m);
    }

    /** Null if a server accepts connections at {@code p}; else what is wrong. */
    private static String unreachable(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "no such socket";
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(p));
            return null;
        } catch (IOException e) {
            return "nothing listens there";
        }
    }
}
