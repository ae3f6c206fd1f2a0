package org.dmemu.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The issue-10 examples of docs/examples ({@code multipath}, {@code snapshot}, {@code mirror}
 * {@code .replay}) must still print exactly their {@code .trace} files, so the pages never show
 * a trace the code no longer prints. The mirror's background resync lines ({@code [kmirrord]})
 * interleave with the others by timing: each of the two streams is compared in order.
 */
class Issue10ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    private static ByteArrayOutputStream err;

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        int status = Replay.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private static String example(String name) throws Exception {
        return Files.readString(EXAMPLES.resolve(name));
    }

    @Test
    void multipath_failOverAndReinstate() throws Exception {
        String[] r = run("--targets", "flakey,multipath", "--trace", EXAMPLES.resolve("multipath.replay").toString());
        assertEquals(example("multipath.trace"), r[1]);
        assertTrue(r[1].contains("path 169:1 returned EIO: fail_path, fail_count 1; retrying"));
        assertEquals(3, r[0].split("read /dev/mapper/mp 0 1024 error=0 resid=0", -1).length - 1, "every read served");
        assertTrue(r[0].contains("2 0 0 0 1 1 A 0 2 0 169:1 A 1 169:2 A 0"), "status after reinstate_path");
    }

    @Test
    void snapshot_copyOnWrite() throws Exception {
        String[] r = run("--targets", "snapshot", "--trace", EXAMPLES.resolve("snapshot.replay").toString());
        assertEquals(example("snapshot.trace"), r[1]);
        assertTrue(r[1].contains("copy-on-write: origin chunk 12 (sectors 96-103) -> COW 0:19 chunk 2"));
        assertTrue(r[0].contains("<string>24/131072 16</string>"), "status");
    }

    @Test
    void mirror_resyncStep() throws Exception {
        System.setProperty("dmemu.mirror.resync-rate", "16");
        try {
            String[] r = run("--targets", "mirror", "--trace", EXAMPLES.resolve("mirror.replay").toString());
            List<String> want = Arrays.asList(example("mirror.trace").split("\n", -1));
            long bg = want.stream().filter(l -> l.startsWith("[kmirrord]")).count();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && err.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("[kmirrord]")).count() < bg) {
                Thread.sleep(2); // the resync thread may still be copying region 0 when replay returns
            }
            List<String> got = Arrays.asList(err.toString(StandardCharsets.UTF_8).split("\n", -1));
            assertEquals(want.stream().filter(l -> !l.startsWith("[kmirrord]")).toList(),
                    got.stream().filter(l -> !l.startsWith("[kmirrord]")).toList());
            assertEquals(want.stream().filter(l -> l.startsWith("[kmirrord]")).toList(),
                    got.stream().filter(l -> l.startsWith("[kmirrord]")).toList());
            assertTrue(r[0].contains("<string>core 1 64 2 0:3 0 0:19 0 1 handle_errors</string>"));
        } finally {
            System.clearProperty("dmemu.mirror.resync-rate");
        }
    }
}
