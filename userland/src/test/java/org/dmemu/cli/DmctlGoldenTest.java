package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dmemu.kern.Kernel;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.KernelTransport;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.testutil.GoldenSession;
import org.dmemu.testutil.TestKernels;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every golden/dmctl/*.txt session against a fresh kernel, byte-exact. */
class DmctlGoldenTest {
    static Path goldenDir(String tool) throws URISyntaxException {
        return Path.of(DmctlGoldenTest.class.getResource("/golden/" + tool).toURI());
    }

    @TestFactory
    Stream<DynamicTest> sessions() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(goldenDir("dmctl"))) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runSession(f)));
    }

    private static void runSession(Path file) throws Exception {
        GoldenSession g = GoldenSession.parse(file);
        Kernel k = null;
        DmTransport t;
        if (g.noControl) {
            t = new UnixSocketTransport(Files.createTempDirectory("nocontrol").resolve("control"));
        } else {
            k = TestKernels.boot(TestKernels.twoDisks());
            t = new KernelTransport(k);
        }
        try {
            for (GoldenSession.Step s : g.steps) {
                assertEquals("dmctl", s.tool(), s.line());
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                ByteArrayOutputStream e = new ByteArrayOutputStream();
                int rc = Dmctl.run(t, s.args().toArray(new String[0]),
                        new ByteArrayInputStream(s.stdin().getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(o, true, StandardCharsets.UTF_8),
                        new PrintStream(e, true, StandardCharsets.UTF_8));
                String where = file.getFileName() + ": " + s.line();
                assertEquals(s.stdout(), o.toString(StandardCharsets.UTF_8), where + " (stdout)");
                assertEquals(s.stderr(), e.toString(StandardCharsets.UTF_8), where + " (stderr)");
                assertEquals(s.exit(), rc, where + " (exit)");
            }
        } finally {
            if (k != null) {
                k.close();
            }
        }
    }
}
