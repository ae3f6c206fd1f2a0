package org.dmemu.disklabel.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs util-linux tools for the differential tests. A missing tool skips the test on a
 * developer machine and fails it when {@code CI=true}.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    /** One slice/partition as an external tool reports it. */
    record Slice(String name, long start, long sectors, String type) {
    }

    static Path require(String tool) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(tool + " is not installed (CI=true: required)");
        }
        Assumptions.abort(tool + " is not installed");
        return null;
    }

    /** Runs the command with {@code stdin}, returns stdout; fails on a non-zero exit. */
    static String run(String stdin, String... cmd) throws IOException, InterruptedException {
        Path tool = require(cmd[0]);
        List<String> argv = new ArrayList<>(List.of(cmd));
        argv.set(0, tool.toString());
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        int rc = p.waitFor();
        if (rc != 0) {
            fail(String.join(" ", cmd) + " exited " + rc + ": "
                    + new String(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The version line of a util-linux tool ("sfdisk from util-linux 2.38.1"). */
    static String version(String tool) throws IOException, InterruptedException {
        return run(null, tool, "--version").strip();
    }

    /**
     * The BSD slices fdisk shows in its nested disklabel mode ({@code b}, {@code p}, {@code q})
     * for the first NetBSD partition of {@code img}, or for a bare BSD disk with {@code fdisk -l}.
     */
    static List<Slice> fdiskBsdSlices(Path img, boolean nested) throws Exception {
        String out = nested ? run("b\np\nq\n", "fdisk", img.toString())
                : run(null, "fdisk", "-l", img.toString());
        List<Slice> r = new ArrayList<>();
        boolean in = false;
        for (String line : out.split("\n")) {
            String t = line.strip();
            if (t.startsWith("Slice")) {
                in = true;
                continue;
            }
            if (in) {
                if (t.isEmpty() || t.startsWith("Command") || t.startsWith("Partition table")) {
                    if (!r.isEmpty()) {
                        break;
                    }
                    continue;
                }
                String[] f = t.split("\\s+");
                // Slice Start End Sectors Size Type Fsize Bsize Cpg
                r.add(new Slice(f[0], Long.parseLong(f[1]), Long.parseLong(f[3]), f[5]));
            }
        }
        return r;
    }

    /** {@code partx --show -o NR,START,SECTORS,TYPE,SCHEME}. */
    static List<Slice> partx(Path img) throws Exception {
        String out = run(null, "partx", "--show", "--noheadings", "-o", "NR,START,SECTORS,TYPE,SCHEME",
                img.toString());
        List<Slice> r = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 5) {
                r.add(new Slice(f[0] + ":" + f[4], Long.parseLong(f[1]), Long.parseLong(f[2]),
                        f[3].toLowerCase(Locale.ROOT)));
            }
        }
        return r;
    }

    /** The partition lines of {@code sfdisk --dump}: name → (start, size, type). */
    static List<Slice> sfdiskDump(Path img) throws Exception {
        String out = run(null, "sfdisk", "--dump", img.toString());
        List<Slice> r = new ArrayList<>();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(" : ");
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            long start = -1;
            long size = -1;
            String type = "";
            for (String kv : line.substring(colon + 3).split(",")) {
                String[] p = kv.strip().split("=");
                if (p.length != 2) {
                    continue;
                }
                switch (p[0].strip()) {
                    case "start" -> start = Long.parseLong(p[1].strip());
                    case "size" -> size = Long.parseLong(p[1].strip());
                    case "type" -> type = p[1].strip();
                    default -> {
                    }
                }
            }
            r.add(new Slice(name, start, size, type));
        }
        return r;
    }

    static void assertSlices(List<Slice> expected, List<Slice> actual) {
        assertEquals(expected.toString(), actual.toString());
    }
}
