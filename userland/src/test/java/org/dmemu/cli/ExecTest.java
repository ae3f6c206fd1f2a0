package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.serve.ServeDaemon;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmemu exec} end to end: the preload library and the C test programs of
 * {@code preload/tests} are built with the system {@code cc} (64-bit and {@code -m32}, warnings
 * as errors), and run under {@link Exec} against a real {@link ServeDaemon} on temp dirs and an
 * ephemeral NBD port. Under {@code CI=true} a missing {@code cc} or {@code -m32} toolchain fails.
 */
class ExecTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));
    private static Path root;
    private static Path build;
    private static boolean m32;

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildEverything() throws Exception {
        Tools.require("cc");
        root = repoRoot();
        build = Files.createTempDirectory("dmemu-exec-test");
        Tools.Run r = run(List.of("env", "DMEMU_PRELOAD_WERROR=1", root.resolve("preload/build.sh").toString(),
                build.resolve("lib").toString()));
        assertEquals(0, r.exit(), "preload/build.sh: " + r.err());
        m32 = Files.isRegularFile(build.resolve("lib/32/libdmemu-preload.so"));
        if (!m32 && CI) {
            fail("no -m32 preload library (CI=true: gcc-multilib is required): " + r.err());
        }
        for (String prog : List.of("ctl_test", "ctl_replay", "blk_test")) {
            compile(prog, false);
            if (m32) {
                compile(prog, true);
            }
        }
    }

    private static void compile(String prog, boolean bits32) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc", "-O1", "-Wall", "-Wextra", "-Werror"));
        if (bits32) {
            cmd.add("-m32");
        }
        cmd.addAll(List.of("-o", build.resolve(prog + (bits32 ? "32" : "")).toString(),
                root.resolve("preload/tests/" + prog + ".c").toString()));
        Tools.Run r = run(cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.err());
    }

    private static Tools.Run run(List<String> cmd) throws IOException, InterruptedException {
        return Tools.run(cmd, null, 120);
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("preload/tests"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "preload/ not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** A running daemon on temp dirs. */
    private ServeDaemon serve(Path dir, boolean strict, List<DiskSpec> disks) throws IOException {
        Files.createDirectories(dir);
        return ServeDaemon.start(new KernelConfig(disks, Set.of(), strict, false, null), dir.resolve("control"),
                InetAddress.getLoopbackAddress(), 0);
    }

    private static List<DiskSpec> memDisks() {
        return List.of(DiskSpec.parse("wd0=mem:64M"), DiskSpec.parse("wd1=mem:64M"));
    }

    /** The result of {@code dmemu exec}: exit status, the program's stdout, exec's own stderr. */
    private record Ran(int exit, String out, String err) {
    }

    private Ran exec(ServeDaemon d, String... args) throws IOException {
        return exec(d.controlPath(), build.resolve("lib"), args);
    }

    private Ran exec(Path control, Path lib, String... args) throws IOException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("--control", control.toString()));
        a.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DMEMU_CONTROL");
        int rc = Exec.run(a.toArray(new String[0]), lib, env, new PrintStream(err, true, StandardCharsets.UTF_8),
                ProcessBuilder.Redirect.to(out.toFile()));
        return new Ran(rc, Files.readString(out, StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
    }

    private String prog(String name, boolean bits32) {
        if (bits32) {
            assumeTrue(m32, "no -m32 toolchain");
        }
        return build.resolve(name + (bits32 ? "32" : "")).toString();
    }

    private static void assertTap(Ran r) {
        assertEquals(0, r.exit(), r.out() + r.err());
        assertFalse(r.out().contains("not ok"), r.out());
        assertTrue(r.out().matches("(?s).*\\n1\\.\\.\\d+\\n$"), r.out());
    }

    @Test
    void controlNode64() throws IOException {
        try (ServeDaemon d = serve(tmp.resolve("s"), false, memDisks())) {
            assertTap(exec(d, "--", prog("ctl_test", false)));
        }
    }

    @Test
    void controlNode64StrictErrno() throws IOException {
        try (ServeDaemon d = serve(tmp.resolve("s"), true, memDisks())) {
            assertTap(exec(d, "--", prog("ctl_test", false), "strict"));
        }
    }

    /** Descriptors survive execve: the shell opens, the exec'd program uses. */
    @Test
    void descriptorsInheritedAcrossExec() throws IOException {
        try (ServeDaemon d = serve(tmp.resolve("s"), false, memDisks())) {
            for (boolean bits32 : new boolean[] {false, true}) {
                if (bits32 && !m32) {
                    continue;
                }
                assertTap(exec(d, "--", "sh", "-c", "exec 3<>/dev/mapper/control && exec \"$0\" inherited",
                        prog("ctl_test", bits32)));
            }
            Ran wc = exec(d, "--", "sh", "-c", "wc -c < /dev/rwd1d");
            assertEquals(0, wc.exit(), wc.err());
            assertEquals(String.valueOf(64L << 20), wc.out().strip(), "wc read the 64 MiB disk through stdin");
        }
    }

    @Test
    void controlNode32() throws IOException {
        try (ServeDaemon d = serve(tmp.resolve("s"), false, memDisks())) {
            assertTap(exec(d, "--", prog("ctl_test", true)));
        }
    }

    @Test
    void controlNode32StrictErrno() throws IOException {
        try (ServeDaemon d = serve(tmp.resolve("s"), true, memDisks())) {
            assertTap(exec(d, "--", prog("ctl_test", true), "strict"));
        }
    }

    /** Runs blk_test and compares the image with what it wrote through /dev/mapper/vol0. */
    private void blockIo(boolean bits32) throws IOException {
        String p = prog("blk_test", bits32);
        Path img = tmp.resolve("wd1.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        List<DiskSpec> disks = List.of(DiskSpec.parse("wd0=mem:64M"), DiskSpec.parse("wd1=file:" + img));
        try (ServeDaemon d = serve(tmp.resolve("s"), true, disks)) {
            assertTap(exec(d, "--", p));
        }
        byte[] expect = new byte[65536];
        for (int i = 0; i < expect.length; i++) {
            expect[i] = (byte) (i * 7 + 3);
        }
        for (int i = 0; i < 3000; i++) {
            expect[1000 + i] = (byte) (i * 13 + 5);
        }
        byte[] got = new byte[65536];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            f.seek(384 * 512);
            f.readFully(got);
        }
        assertArrayEquals(expect, got, "wd1 at sector 384 holds what blk_test wrote through vol0");
    }

    @Test
    void blockIo64() throws IOException {
        blockIo(false);
    }

    @Test
    void blockIo32() throws IOException {
        blockIo(true);
    }

    /** dd (coreutils, unmodified) writes the raw node and reads the block node. */
    @Test
    void ddThroughMapperNodes() throws Exception {
        Tools.require("dd");
        Path img = tmp.resolve("wd1.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        byte[] data = new byte[65536];
        new java.util.Random(12).nextBytes(data);
        Path in = tmp.resolve("in.bin");
        Files.write(in, data);
        Path out = tmp.resolve("out.bin");
        List<DiskSpec> disks = List.of(DiskSpec.parse("wd0=mem:64M"), DiskSpec.parse("wd1=file:" + img));
        try (ServeDaemon d = serve(tmp.resolve("s"), true, disks)) {
            String c = d.controlPath().toString();
            assertEquals(0, dmctl(c, "", "create", "vol0"));
            assertEquals(0, dmctl(c, "0 2048 linear /dev/wd1a 384\n", "reload", "vol0"));
            assertEquals(0, dmctl(c, "", "resume", "vol0"));
            Ran w = exec(d, "--", "dd", "if=" + in, "of=/dev/rmapper/vol0", "bs=4k", "count=16");
            assertEquals(0, w.exit(), w.err());
            Ran r = exec(d, "--", "dd", "if=/dev/mapper/vol0", "of=" + out, "bs=4k", "count=16");
            assertEquals(0, r.exit(), r.err());
            // dd leaves its input open on descriptor 0 until exit: the exit is the last close,
            // applied before the next open and the next control request
            Ran again = exec(d, "--", "dd", "if=/dev/mapper/vol0", "of=/dev/null", "bs=4k", "count=1");
            assertEquals(0, again.exit(), "the block node opens again after the last process exited");
            assertEquals(0, dmctl(c, "", "remove", "vol0"), "remove after the readers exited");
        }
        assertArrayEquals(data, Files.readAllBytes(out), "dd read back what dd wrote");
        byte[] got = new byte[data.length];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            f.seek(384 * 512);
            f.readFully(got);
        }
        assertArrayEquals(data, got, "the image holds dd's data at sector 384");
    }

    private static int dmctl(String control, String stdin, String... args) {
        List<String> a = new ArrayList<>(List.of("--control", control));
        a.addAll(List.of(args));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return Dmctl.run(a.toArray(new String[0]), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                p, p);
    }

    /**
     * Every golden case that consists of control requests only (no % directives, no options but
     * --strict-errno, not known to fail), sent by ctl_replay through the preload library: the
     * output must equal the case's expected file byte for byte.
     */
    @TestFactory
    Stream<DynamicTest> goldenCasesThroughPreload() throws IOException {
        Path golden = repoRoot().resolve("kernel-sim/src/test/resources/golden");
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> s = Files.walk(golden, 2)) {
            s.filter(p -> Files.isRegularFile(p.resolve("input"))).sorted().forEach(cases::add);
        }
        assertTrue(cases.size() > 100, "golden corpus found: " + cases.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path c : cases) {
            String args = Files.exists(c.resolve("args")) ? Files.readString(c.resolve("args")).strip() : "";
            String input = Files.readString(c.resolve("input"), StandardCharsets.ISO_8859_1);
            boolean directives = input.lines().anyMatch(l -> l.strip().startsWith("%"));
            if (directives || Files.exists(c.resolve("KNOWN_FAILING"))
                    || !(args.isEmpty() || args.equals("--strict-errno"))) {
                continue;
            }
            String name = golden.relativize(c).toString();
            for (boolean bits32 : new boolean[] {false, true}) {
                tests.add(DynamicTest.dynamicTest(name + (bits32 ? " (-m32)" : ""), () -> {
                    String expected = Files.readString(c.resolve("expected"), StandardCharsets.ISO_8859_1);
                    Path dir = tmp.resolve(name.replace('/', '_') + (bits32 ? "32" : "64"));
                    try (ServeDaemon d = serve(dir, !args.isEmpty(), memDisks())) {
                        Ran r = exec(d, "--", prog("ctl_replay", bits32), c.resolve("input").toString());
                        assertEquals(0, r.exit(), r.err());
                        assertEquals(expected, r.out());
                    }
                }));
            }
        }
        assertTrue(tests.size() >= 150, "control-only golden cases: " + tests.size() / 2);
        return tests.stream();
    }

    /** --log DIR: one numbered file per request and per reply, the exact bytes. */
    @Test
    void logWritesEachRequestAndReply() throws IOException {
        Path golden = repoRoot().resolve("kernel-sim/src/test/resources/golden/version/dmctl");
        Path log = tmp.resolve("log");
        String input = Files.readString(golden.resolve("input"), StandardCharsets.ISO_8859_1);
        String request = input.substring(0, input.indexOf("</plist>") + "</plist>".length());
        try (ServeDaemon d = serve(tmp.resolve("s"), false, memDisks())) {
            Ran r = exec(d, "--log", log.toString(), "--", prog("ctl_replay", false),
                    golden.resolve("input").toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(Files.readString(golden.resolve("expected"), StandardCharsets.ISO_8859_1), r.out());
        }
        assertEquals(request, Files.readString(log.resolve("000001.request"), StandardCharsets.ISO_8859_1));
        String reply = Files.readString(log.resolve("000001.reply"), StandardCharsets.ISO_8859_1);
        assertTrue(reply.endsWith("</plist>\n\0"), "the reply as copied out, its NUL included");
        String expected = Files.readString(golden.resolve("expected"), StandardCharsets.ISO_8859_1);
        assertTrue(expected.startsWith(reply.substring(0, reply.length() - 1)), reply);
    }

    @Test
    void oneLineErrors() throws IOException {
        Path lib = build.resolve("lib");
        Ran noDaemon = exec(tmp.resolve("nothing/control"), lib, "--", "true");
        assertEquals(69, noDaemon.exit());
        assertTrue(noDaemon.err().startsWith("dmemu exec: no dmemu serve at "), noDaemon.err());
        assertEquals(1, noDaemon.err().lines().count(), noDaemon.err());
        Ran noLib = exec(tmp.resolve("nothing/control"), tmp.resolve("nolib"), "--", "true");
        assertEquals(Main.EX_USAGE, noLib.exit());
        assertTrue(noLib.err().startsWith("dmemu exec: the preload library is not built"), noLib.err());
        Ran noProgram = exec(tmp.resolve("nothing/control"), lib, "--");
        assertEquals(Main.EX_USAGE, noProgram.exit());
        assertEquals("dmemu exec: missing PROGRAM; usage: dmemu exec [--control PATH] [--log DIR] -- PROGRAM [ARGS...]\n",
                noProgram.err());
        Ran badOption = exec(tmp.resolve("nothing/control"), lib, "--bogus", "--", "true");
        assertEquals(Main.EX_USAGE, badOption.exit());
        assertTrue(badOption.err().startsWith("dmemu exec: unknown option: --bogus"), badOption.err());
        try (ServeDaemon d = serve(tmp.resolve("s"), false, memDisks())) {
            Ran missing = exec(d, "--", tmp.resolve("no-such-program").toString());
            assertEquals(127, missing.exit());
            assertTrue(missing.err().startsWith("dmemu exec: cannot run "), missing.err());
            assertEquals(3, exec(d, "--", "sh", "-c", "exit 3").exit(), "the program's exit status");
        }
    }
}
