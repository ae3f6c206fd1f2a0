package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dmemu.testutil.Tools;
import org.dmemu.testutil.Tools.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, as printed: the {@code ./dmemu serve} block (with the example home
 * directory replaced by a temp directory) and every command of the session block, run by bash
 * in that directory with {@code ./dmemu} standing for this build's {@code Main}; each output must
 * match the README byte for byte. Among them: the {@code nbd+unix} URIs, and the nbdcopy of an
 * image through the table {@code 0 20480 linear /dev/wd1a 2}, which would fail with EROFS at
 * offset 0 (issue 14, points 1 and 11).
 */
class QuickStartTest {
    private static final String HOME = "/home/you/dmemu";

    @TempDir
    Path wd;

    private static List<String> blocks(String readme) {
        String qs = readme.substring(readme.indexOf("## Quick start"));
        qs = qs.substring(0, qs.indexOf("\n## ", 5));
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = qs.indexOf("```\n", i)) >= 0) {
            int end = qs.indexOf("```\n", i + 4);
            out.add(qs.substring(i + 4, end));
            i = end + 4;
        }
        return out;
    }

    @Test
    void readmeQuickStart_worksExactlyAsPrinted() throws Exception {
        for (String t : new String[] {"nbdinfo", "nbdcopy", "cmp", "head", "bash"}) {
            Tools.require(t);
        }
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String> b = blocks(readme);
        assertEquals(2, b.size(), "two blocks in the quick start");
        String serveBlock = b.get(0);
        assertTrue(serveBlock.startsWith("$ ./dmemu serve\n"), serveBlock);
        try (ServeHarness s = new ServeHarness("--state", wd.resolve("state").toString())) {
            assertNotNull(s.running, s.err());
            assertEquals(serveBlock.substring("$ ./dmemu serve\n".length()).replace(HOME, wd.toString()), s.out());
            assertEquals("", s.err());

            String java = ProcessHandle.current().info().command().orElse("java");
            String dmemu = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' org.dmemu.cli.Main";
            String[] lines = b.get(1).split("\n", -1);
            int i = 0;
            while (i < lines.length && lines[i].startsWith("$ ")) {
                String cmd = lines[i].substring(2);
                StringBuilder expect = new StringBuilder();
                i++;
                while (i < lines.length && !lines[i].startsWith("$ ") && !(i == lines.length - 1 && lines[i].isEmpty())) {
                    expect.append(lines[i]).append('\n');
                    i++;
                }
                Run r = Tools.run(List.of("bash", "-c", "cd '" + wd + "' && " + cmd.replace("./dmemu ", dmemu + " ")),
                        null, 60);
                assertEquals(expect.toString(), r.out(), cmd + "\nstderr: " + r.err());
                assertEquals(0, r.exit(), cmd + "\nstderr: " + r.err());
            }
            assertEquals(lines.length - 1, i, "every line of the session block was run");
            assertEquals("", s.err(), "no kernel report for a table clear of the label");
        }
    }

    @Test
    void offsetZero_isTheTrap_theDaemonLogNamesTheRule() throws Exception {
        try (ServeHarness s = new ServeHarness("--state", wd.resolve("state").toString())) {
            assertNotNull(s.running, s.err());
            var t = new org.dmemu.libdm.UnixSocketTransport(s.daemon().controlPath());
            java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            java.io.PrintStream ps = new java.io.PrintStream(o, true, StandardCharsets.UTF_8);
            assertEquals(0, org.dmemu.cli.Dmctl.run(t, new String[] {"create", "t0"}, java.io.InputStream.nullInputStream(),
                    ps, ps));
            assertEquals(0, org.dmemu.cli.Dmctl.run(t, new String[] {"reload", "t0"},
                    new java.io.ByteArrayInputStream("0 20480 linear /dev/wd1a 0\n".getBytes(StandardCharsets.US_ASCII)),
                    ps, ps), o.toString(StandardCharsets.UTF_8));
            assertEquals("dmemu serve: kernel: dm: table entry 0 (0 20480 linear /dev/wd1a 0): component /dev/wd1a "
                    + "sectors 0-20479 = wd1 sectors 63-20542 cover the disklabel sector 64 of wd1; writes there will "
                    + "fail with EROFS unless DIOCWLABEL (dm(4): offset components past the label)\n", s.err());
        }
    }
}
