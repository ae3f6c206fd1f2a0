package org.dmemu.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden conformance corpus: every directory {@code golden/<command>/<case>/} holding an
 * {@code input} file is replayed with {@code dmemu replay} ({@code org.dmemu.replay.Replay.run})
 * and its standard output must equal {@code expected} byte for byte.
 *
 * <p>Case files: {@code args} (replay options; each line split at blanks, may be empty),
 * {@code input} (the replay file, passed as the last argument), {@code expected} (exact stdout),
 * {@code NOTES} (spec section / NetBSD source behind the expectation) and, optionally,
 * {@code KNOWN_FAILING} (why the implementation does not match yet: the case is then reported as
 * aborted with that reason, never as passed). Directories starting with {@code _} are skipped.
 *
 * <p>The expected files are hand-derived from the specs and the NetBSD sources, not recorded from
 * the implementation (see golden/README.md). With {@code -Dgolden.update=true} the runner rewrites
 * {@code expected} from the actual output instead of comparing; review that diff by hand.
 */
class GoldenReplayTest {
    private static final String REPLAY_CLASS = "org.dmemu.replay.Replay";
    private static final int CONTEXT_LINES = 3;

    @TestFactory
    Stream<DynamicTest> golden() throws IOException {
        Path root = goldenRoot();
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p.resolve("input")))
                    .filter(p -> !root.relativize(p).toString().startsWith("_"))
                    .sorted()
                    .forEach(cases::add);
        }
        if (cases.isEmpty()) {
            fail("no golden cases found under " + root);
        }
        boolean update = Boolean.parseBoolean(System.getProperty("golden.update", "false"));
        return cases.stream().map(dir -> DynamicTest.dynamicTest(
                root.relativize(dir).toString().replace('\\', '/'), () -> runCase(dir, update)));
    }

    private static void runCase(Path dir, boolean update) throws Exception {
        Path knownFailing = dir.resolve("KNOWN_FAILING");
        List<String> args = new ArrayList<>();
        Path argsFile = dir.resolve("args");
        if (Files.exists(argsFile)) {
            for (String line : Files.readAllLines(argsFile, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty()) {
                    args.addAll(Arrays.asList(t.split("\\s+")));
                }
            }
        }
        args.add(dir.resolve("input").toAbsolutePath().toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = invokeReplay(args.toArray(new String[0]), o, e);
        }
        byte[] actual = out.toByteArray();
        String stderr = err.toString(StandardCharsets.UTF_8);
        Path expectedFile = dir.resolve("expected");

        if (update) {
            if (Files.exists(knownFailing)) {
                Assumptions.abort("golden.update leaves KNOWN_FAILING cases alone: their expected"
                        + " output is the NetBSD behaviour, not dmemu's");
            }
            assertEquals(0, status, "replay exit status; stderr:\n" + stderr);
            Files.write(expectedFile, actual);
            return;
        }
        byte[] expected = Files.readAllBytes(expectedFile);
        String problem = null;
        if (status != 0) {
            problem = "replay exited with status " + status + "; stderr:\n" + stderr
                    + "\nstdout so far:\n" + diff(expected, actual);
        } else if (!Arrays.equals(expected, actual)) {
            problem = "output differs from " + expectedFile + "\n" + diff(expected, actual)
                    + (stderr.isEmpty() ? "" : "\nstderr:\n" + stderr);
        }
        if (Files.exists(knownFailing)) {
            String reason = Files.readString(knownFailing, StandardCharsets.UTF_8).strip();
            Assumptions.abort(problem == null
                    ? "KNOWN_FAILING but the case now passes: remove the marker (" + reason + ")"
                    : "known failing: " + reason);
        }
        if (problem != null) {
            fail(problem);
        }
    }

    private static int invokeReplay(String[] args, PrintStream out, PrintStream err)
            throws Exception {
        Method run;
        try {
            run = Class.forName(REPLAY_CLASS).getMethod("run", String[].class, InputStream.class,
                    PrintStream.class, PrintStream.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            fail("the replay command " + REPLAY_CLASS
                    + ".run(String[], InputStream, PrintStream, PrintStream) is not available: " + e);
            return -1;
        }
        try {
            Object r = run.invoke(null, args, new ByteArrayInputStream(new byte[0]), out, err);
            return (Integer) r;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** The source directory when present (so that update mode rewrites it), else the classpath copy. */
    private static Path goldenRoot() {
        Path src = Paths.get("src", "test", "resources", "golden");
        if (Files.isDirectory(src)) {
            return src.toAbsolutePath();
        }
        Path fromModuleParent = Paths.get("kernel-sim", "src", "test", "resources", "golden");
        if (Files.isDirectory(fromModuleParent)) {
            return fromModuleParent.toAbsolutePath();
        }
        URL url = GoldenReplayTest.class.getClassLoader().getResource("golden");
        if (url == null) {
            fail("golden corpus not found (neither src/test/resources/golden nor classpath golden/)");
        }
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A readable line diff: the first differing line with context from both sides. */
    static String diff(byte[] expected, byte[] actual) {
        List<String> e = lines(expected);
        List<String> a = lines(actual);
        int first = 0;
        while (first < e.size() && first < a.size() && e.get(first).equals(a.get(first))) {
            first++;
        }
        if (first == e.size() && first == a.size()) {
            return "(identical)";
        }
        int from = Math.max(0, first - CONTEXT_LINES);
        StringBuilder sb = new StringBuilder();
        sb.append("first difference at line ").append(first + 1)
                .append(" (expected ").append(e.size()).append(" lines, actual ")
                .append(a.size()).append(" lines)\n");
        sb.append("--- expected\n");
        appendRange(sb, e, from, first + CONTEXT_LINES + 1, first);
        sb.append("+++ actual\n");
        appendRange(sb, a, from, first + CONTEXT_LINES + 1, first);
        return sb.toString();
    }

    private static void appendRange(StringBuilder sb, List<String> lines, int from, int to, int mark) {
        for (int i = from; i < Math.min(to, lines.size()); i++) {
            sb.append(i == mark ? "> " : "  ").append(String.format("%5d ", i + 1))
                    .append(visible(lines.get(i))).append('\n');
        }
        if (mark >= lines.size()) {
            sb.append(String.format(">       (end of output after %d lines)%n", lines.size()));
        }
    }

    private static List<String> lines(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        } else if (!out.isEmpty()) {
            out.set(out.size() - 1, out.get(out.size() - 1) + "\\ (no newline at end)");
        }
        return out;
    }

    private static String visible(String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
