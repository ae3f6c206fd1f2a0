package org.dmemu.replay;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n";

    record Run(int status, String out, String err) {
    }

    static Run run(String input, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String[] a = new String[args.length + 1];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = "-";
        int st = Replay.run(a, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(st, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static String doc(String body) {
        return HEAD + "<dict>\n" + body + "</dict>\n</plist>\n";
    }

    static final String V = "\t<key>version</key>\n\t<array>\n\t\t<integer>0x4</integer>\n\t\t<integer>0x0</integer>\n"
            + "\t\t<integer>0x0</integer>\n\t</array>\n";
    static final String VK = "\t<key>version</key>\n\t<array>\n\t\t<integer>0x4</integer>\n\t\t<integer>0x10</integer>\n"
            + "\t\t<integer>0x0</integer>\n\t</array>\n";

    static String cmd(String c, String extra) {
        return doc("\t<key>command</key>\n\t<string>" + c + "</string>\n" + extra + V);
    }

    @Test
    void createReloadResumeReadWrite_exactOutput() {
        String in = "# a comment\n\n" + cmd("create", "\t<key>name</key>\n\t<string>v</string>\n")
                + cmd("reload", "\t<key>name</key>\n\t<string>v</string>\n").replace("<dict>\n",
                "<dict>\n\t<key>cmd_data</key>\n\t<array>\n\t\t<dict>\n\t\t\t<key>length</key>\n\t\t\t<integer>0x100</integer>\n"
                        + "\t\t\t<key>params</key>\n\t\t\t<string>/dev/wd1a 384</string>\n\t\t\t<key>start</key>\n"
                        + "\t\t\t<integer>0x0</integer>\n\t\t\t<key>type</key>\n\t\t\t<string>linear</string>\n\t\t</dict>\n\t</array>\n")
                + cmd("resume", "\t<key>name</key>\n\t<string>v</string>\n")
                + "% write /dev/mapper/v 0 1024 3\n% read /dev/wd1a 384 1024\n% read /dev/rwd1d 384 1024\n"
                + "% read /dev/mapper/v 256 512\n% read /dev/mapper/v 257 512\n% read /dev/mapper/nope 0 512\n";
        Run r = run(in);
        assertEquals(0, r.status(), r.err());
        byte[] expect = new byte[1024];
        for (int i = 0; i < 1024; i++) {
            expect[i] = (byte) (3 + i + 7 * (i / 512));
        }
        String sha = Replay.sha256(expect);
        String zero = Replay.sha256(new byte[512]);
        String want = doc("\t<key>command</key>\n\t<string>create</string>\n\t<key>flags</key>\n\t<integer>0x4</integer>\n"
                + "\t<key>minor</key>\n\t<integer>0x1</integer>\n\t<key>name</key>\n\t<string>v</string>\n" + VK);
        assertTrue(r.out().startsWith(want), r.out());
        assertTrue(r.out().endsWith("write /dev/mapper/v 0 1024 error=0 resid=0\n"
                + "read /dev/wd1a 384 1024 open errno 16 EBUSY\n"
                + "read /dev/rwd1d 384 1024 error=0 resid=0 sha256=" + sha + "\n"
                + "read /dev/mapper/v 256 512 error=0 resid=512 sha256=" + zero + "\n"
                + "read /dev/mapper/v 257 512 error=22 resid=512 sha256=" + zero + "\n"
                + "read /dev/mapper/nope 0 512 open errno 2 ENOENT\n"), r.out());
    }

    @Test
    void failingIoctl_printsErrnoLine() {
        Run r = run("<plist version=\"1.0\"><array/></plist>\n");
        assertEquals(0, r.status());
        assertEquals("errno 5 EIO\n", r.out());
    }

    @Test
    void malformedFile_exit2_namesItemAndLine() {
        Run r = run(cmd("version", "") + "\n% frobnicate\n");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("item 2 (line 16)"), r.err());
        assertEquals(1, r.err().lines().count());
        r = run("% read /dev/wd0a x 512\n");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("item 1 (line 1)"), r.err());
        r = run("hello\n");
        assertEquals(2, r.status());
        r = run(HEAD + "<dict>\n");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("without </plist>"), r.err());
    }

    @Test
    void badOptions_exit64() {
        assertEquals(64, run("", "--bogus").status());
        assertEquals(64, run("", "--disk", "xx0=mem:1M").status());
        assertEquals(64, run("", "--targets", "mirror").status());
        assertEquals(64, run("", "--disk").status());
        assertEquals(64, run("", "--disk", "wd0=file:/nonexistent/img").status());
    }

    @Test
    void noFile_exit64_unreadable_exit2(@TempDir Path dir) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(e, true);
        assertEquals(64, Replay.run(new String[0], System.in, ps, ps));
        assertEquals(2, Replay.run(new String[] {dir.resolve("missing").toString()}, System.in, ps, ps));
    }

    @Test
    void fileDisk_writtenInPlace_traceOnStderr(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("disk.img");
        Files.write(img, new byte[1 << 20]);
        Run r = run("% write /dev/sd0d 2 512 1\n% read /dev/sd0a 2 512\n", "--disk", "sd0=file:" + img, "--trace");
        assertEquals(0, r.status(), r.err());
        byte[] b = Files.readAllBytes(img);
        assertEquals(1, b[1024]);
        assertEquals(2, b[1025]);
        assertTrue(r.err().contains("sdstrategy sd0d blkno 2 -> sector 2, 512 bytes write"), r.err());
    }

    @Test
    void strictErrnoOption_returnsHandlerError() {
        Run r = run(cmd("info", "\t<key>name</key>\n\t<string>x</string>\n"), "--strict-errno");
        assertEquals("errno 2 ENOENT\n", r.out());
    }

    @Test
    void strictOffsetsOption_refusesATableOverTheLabelSector() {
        String create = cmd("create", "\t<key>name</key>\n\t<string>v</string>\n");
        String reload = cmd("reload", "\t<key>cmd_data</key>\n\t<array>\n\t\t<dict>\n"
                + "\t\t\t<key>length</key>\n\t\t\t<integer>8</integer>\n"
                + "\t\t\t<key>params</key>\n\t\t\t<string>/dev/wd1d 0</string>\n"
                + "\t\t\t<key>start</key>\n\t\t\t<integer>0</integer>\n"
                + "\t\t\t<key>type</key>\n\t\t\t<string>linear</string>\n\t\t</dict>\n\t</array>\n"
                + "\t<key>name</key>\n\t<string>v</string>\n");
        // sector 1 of a bare disk is its label sector: --strict-offsets refuses (EINVAL), the default loads
        assertEquals("errno 22 EINVAL\n", tail(run(create + reload, "--strict-errno", "--strict-offsets").out()));
        assertTrue(run(create + reload, "--strict-errno").out().endsWith("</plist>\n"));
        assertTrue(run("", "--help").out().contains("--strict-offsets"));
    }

    private static String tail(String out) {
        return out.substring(out.lastIndexOf("</plist>\n") + "</plist>\n".length());
    }

    private static Run runFile(Path file, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = file.toString();
        int st = Replay.run(a, InputStream.nullInputStream(), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(st, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void expect_sameOutputPasses_changedItemIsDiffedWithItsNumber(@TempDir Path dir) throws Exception {
        String in = cmd("create", "\t<key>name</key>\n\t<string>v</string>\n") + "% write /dev/mapper/v 0 512 1\n"
                + cmd("info", "\t<key>name</key>\n\t<string>nosuch</string>\n") + "% read /dev/rwd1d 0 512\n";
        Path input = dir.resolve("s.replay");
        Files.writeString(input, in);
        Run first = runFile(input);
        assertEquals(0, first.status(), first.err());
        Path out = dir.resolve("s.out");
        Files.writeString(out, first.out());
        Run same = runFile(input, "--expect", out.toString());
        assertEquals(0, same.status(), same.out() + same.err());
        assertEquals("", same.out());
        // item 3 (the info reply) changed in the expectation: a diff naming item 3, exit 1
        String changed = first.out().replace("<string>nosuch</string>", "<string>other</string>");
        assertNotEquals(first.out(), changed);
        Files.writeString(out, changed);
        Run diff = runFile(input, "--expect", out.toString());
        assertEquals(1, diff.status());
        assertTrue(diff.out().startsWith("--- " + out + " item 3\n+++ replay item 3\n@@ "), diff.out());
        assertTrue(diff.out().contains("\n-\t<string>other</string>\n+\t<string>nosuch</string>\n"), diff.out());
        assertEquals("dmemu replay: 1 of 4 items differ from " + out + " (first: item 3)\n", diff.err());
        assertEquals(2, runFile(input, "--expect", dir.resolve("missing.out").toString()).status());
        assertEquals(64, runFile(input, "--expect").status());
    }

    @Test
    void expect_goldenCasesPassAgainstTheirExpectedFiles() {
        Path root = Path.of("src", "test", "resources", "golden");
        for (String c : new String[] {"reload/pdev_path_forms", "io/block_node_held", "rename/clash_device_vanishes"}) {
            Path d = root.resolve(c);
            if (!Files.isDirectory(d)) {
                d = Path.of("kernel-sim").resolve(root).resolve(c);
            }
            Run r = runFile(d.resolve("input"), "--expect", d.resolve("expected").toString());
            assertEquals(0, r.status(), c + ": " + r.out() + r.err());
        }
    }

    @Test
    void lint_warnsOnStderr_stdoutUnchanged() {
        String in = cmd("create", "\t<key>name</key>\n\t<string>v</string>\n\t<key>flags</key>\n\t<integer>4</integer>\n")
                + cmd("info", "\t<key>name</key>\n\t<string>nosuch</string>\n");
        Run plain = run(in);
        Run linted = run(in, "--lint");
        assertEquals(0, linted.status());
        assertEquals(plain.out(), linted.out());
        assertEquals("", plain.err());
        String[] w = linted.err().split("\n");
        assertEquals(2, w.length, linted.err());
        assertTrue(w[0].startsWith("dmemu lint: item 1 (create \"v\") flags: signed (decimal) 4"), w[0]);
        assertTrue(w[1].startsWith("dmemu lint: item 2 (info \"nosuch\") command: the handler failed with ENOENT"), w[1]);
    }

    @Test
    void trace_stackedDeviceIndentedBelowItsCaller() {
        Path d = Path.of("src", "test", "resources", "golden", "io", "stacked_dm_device");
        if (!Files.isDirectory(d)) {
            d = Path.of("kernel-sim").resolve(d);
        }
        Run r = runFile(d.resolve("input"), "--trace");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("    dm_target_linear_strategy: blkno += 8 -> /dev/mapper/z (169:1) blkno 8\n"
                + "      VOP_STRATEGY /dev/mapper/z (169:1): dmstrategy of the stacked device \"z\"\n"
                + "        dmstrategy /dev/mapper/z blkno 8 bcount 1024 write\n"), r.err());
        assertTrue(r.err().contains("\n              wdstrategy wd1d blkno 108 -> sector 108, 1024 bytes write\n"
                + "          biodone: error 0, resid 0\n  biodone: error 0, resid 0\n"), r.err());
    }
}
