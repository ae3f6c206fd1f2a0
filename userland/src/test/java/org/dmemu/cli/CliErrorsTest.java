package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmemu.disklabel.tool.MkdiskTool;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.replay.Replay;
import org.dmemu.serve.ServeDaemon;
import org.dmemu.testutil.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, points 8 and 9: errors a user understands (one line, the reason, the right file,
 * non-zero exit) and {@code --help} that keeps the top-level help's promise.
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private interface Tool {
        int run(String[] args, InputStream in, PrintStream out, PrintStream err);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(Tool t, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = t.run(args, InputStream.nullInputStream(), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void replay_missingFile_reasonOnce() {
        Path f = tmp.resolve("nonexistent");
        Result r = run(Replay::run, f.toString());
        assertEquals(2, r.status());
        assertEquals("dmemu replay: " + f + ": No such file or directory\n", r.err());
    }

    @Test
    void mkdisk_inAMissingDirectory_saysWhy() {
        Path img = tmp.resolve("nodir").resolve("x.img");
        Result r = run(MkdiskTool::run, img.toString(), "--size", "1M");
        assertEquals(1, r.status());
        assertEquals("dmemu mkdisk: " + img + ": cannot create the image: No such file or directory ("
                + tmp.resolve("nodir") + " does not exist)\n", r.err());
    }

    @Test
    void mkdisk_prototypeIsADirectory_blamesThePrototype() {
        Path img = tmp.resolve("x.img");
        Result r = run(MkdiskTool::run, img.toString(), "--size", "1M", "--label-from", tmp.toString());
        assertEquals(1, r.status());
        assertEquals("dmemu mkdisk: " + tmp + ": cannot read the prototype label: Is a directory\n", r.err());
        assertFalse(Files.exists(img), "no image made");
    }

    @Test
    void dmsetupCreate_tableFileIsADirectory_namesItAndTheReason() throws Exception {
        try (ServeDaemon d = ServeDaemon.start(TestKernels.twoDisks(), tmp.resolve("control"), tmp.resolve("nbd.sock"),
                null, new PrintStream(new ByteArrayOutputStream()))) {
            Result r = run((a, in, out, err) -> Dmsetup.run(new UnixSocketTransport(d.controlPath()), a, in, out, err),
                    "create", "x2", tmp.toString());
            assertEquals(1, r.status());
            assertEquals("Couldn't read table file '" + tmp + "': Is a directory\nCommand failed\n", r.err());
        }
    }

    @Test
    void serve_stateIsAFile_notADirectory() throws Exception {
        Path f = Files.writeString(tmp.resolve("passwd"), "root:x:0:0\n");
        Result r = run(org.dmemu.serve.Serve::run, "--state", f.toString());
        assertEquals(1, r.status());
        assertEquals("dmemu serve: " + f + ": state directory: not a directory\n", r.err());
    }

    @Test
    void dmctlHelp_usageOnStdout_exit0() {
        for (String h : new String[] {"--help", "-h"}) {
            Result r = run(Main::run, "dmctl", h);
            assertEquals(0, r.status(), h);
            assertTrue(r.out().startsWith("usage: dmctl command [dm device name]\nAvailable commands are:\n"), r.out());
            assertTrue(r.out().contains("\tversion\t"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void dmsetupHelp_usageOnStdout_exit0() {
        for (String h : new String[] {"--help", "-h"}) {
            Result r = run(Main::run, "dmsetup", h);
            assertEquals(0, r.status(), h);
            assertTrue(r.out().startsWith("Usage:\n\ndmsetup [--version]"), r.out());
            assertTrue(r.out().contains("\tcreate "), r.out());
            assertEquals("", r.err());
        }
    }
}
