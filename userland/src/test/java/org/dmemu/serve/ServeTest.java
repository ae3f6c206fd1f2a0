package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.junit.jupiter.api.Test;

/** {@code dmemu serve}'s command line. */
class ServeTest {
    @Test
    void defaults() throws Exception {
        Serve.Options o = Serve.parse(new String[0]);
        assertEquals(Path.of("state"), o.state());
        assertEquals(Path.of("state", "control"), o.control());
        assertEquals(null, o.nbdTcp(), "NBD over TCP is opt-in");
        assertEquals(List.of(), o.disks());
        assertEquals(Set.of(), o.targets());
        assertNull(o.record());
        assertFalse(o.kernel().lint());
    }

    @Test
    void help_daemonAndKernelOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Serve.run(new String[] {"--help"}, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        String h = out.toString(StandardCharsets.UTF_8);
        for (String opt : new String[] {"--state", "--control", "--nbd-tcp", "--no-discard", "--record", "--disk",
            "--targets", "--strict-errno", "--strict-offsets", "--trace", "--lint"}) {
            assertTrue(h.contains("  " + opt + " "), opt);
        }
        assertTrue(h.contains(org.dmemu.kern.KernelOptions.HELP), h);
    }

    @Test
    void record_existingFileThatIsNotAReplayFile_startFailsWithOneLine(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path f = dir.resolve("notes.txt");
        java.nio.file.Files.writeString(f, "hello\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Serve.run(new String[] {"--state", dir.toString(), "--disk", "wd0=mem:1M", "--record", f.toString()},
                InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("dmemu serve: ") && e.contains("is not a replay file") && e.indexOf('\n') == e.length() - 1, e);
        assertEquals("hello\n", java.nio.file.Files.readString(f));
    }

    @Test
    void everyOption() throws Exception {
        Serve.Options o = Serve.parse(new String[] {"--state", "/tmp/s", "--disk", "sd0=mem:64M,secsize=4096",
            "--disk=wd2=file:/x.img", "--targets", "delay,flakey", "--strict-errno", "--strict-offsets", "--trace",
            "--control", "/tmp/c", "--nbd-tcp", "[::1]:0", "--record", "/tmp/r.replay", "--lint"});
        assertEquals(Path.of("/tmp/s"), o.state());
        assertEquals(List.of(new DiskSpec("sd0", "mem:64M", 4096), new DiskSpec("wd2", "file:/x.img", 512)), o.disks());
        assertEquals(Set.of("delay", "flakey"), o.targets());
        assertTrue(o.strictErrno() && o.strictOffsets() && o.trace() && o.kernel().lint());
        assertEquals(Path.of("/tmp/c"), o.control());
        assertEquals(Path.of("/tmp/r.replay"), o.record());
        assertEquals(0, o.nbdTcp().getPort());
        assertEquals("0:0:0:0:0:0:0:1", o.nbdTcp().getAddress().getHostAddress());
    }

    @Test
    void nbdTcp_portAlone_meansLoopback_addrPort_ipv6InBrackets() throws Exception {
        assertEquals("127.0.0.1:10809", NbdServer.hostPort(Serve.parse(new String[] {"--nbd-tcp", "10809"}).nbdTcp()));
        assertEquals("0.0.0.0:99", NbdServer.hostPort(Serve.parse(new String[] {"--nbd-tcp=0.0.0.0:99"}).nbdTcp()));
        assertEquals("[0:0:0:0:0:0:0:1]:7", NbdServer.hostPort(Serve.parse(new String[] {"--nbd-tcp", "[::1]:7"}).nbdTcp()));
    }

    @Test
    void mistakes_oneLine_exit64() {
        String[][] bad = {{"--frob"}, {"--nbd-tcp", "70000"}, {"--nbd-tcp", "x"}, {"--nbd-tcp", "::1:5"},
            {"--nbd-port", "10809"}, {"--nbd-tcp"}, {"--targets", "thin-pool"},
            {"--disk", "nonsense"}, {"--state"}, {"--record"}};
        for (String[] b : bad) {
            assertThrows(Serve.UsageException.class, () -> Serve.parse(b), String.join(" ", b));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = Serve.run(b, InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(64, rc);
            String e = err.toString(StandardCharsets.UTF_8);
            assertTrue(e.startsWith("dmemu serve: ") && e.indexOf('\n') == e.length() - 1, e);
        }
    }
}
