package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dmemu.cli.Dmctl;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * The daemon in-process on the two default 256 MiB image files of a state directory (wd0.img,
 * wd1.img: sparse, MBR + disklabel in the first sectors), with dmctl over its control socket.
 */
final class DaemonFixture implements AutoCloseable {
    /** The first sector used by test tables: clear of the MBR and the disklabel. */
    static final long SKIP = 2048;

    final Path state;
    final ServeDaemon daemon;

    DaemonFixture(Path state, boolean discard) throws IOException {
        this.state = state;
        List<DiskSpec> disks = StateDir.defaultDisks(state, new PrintStream(OutputStream.nullOutputStream(), true));
        daemon = ServeDaemon.start(new KernelConfig(disks, Set.of(), false, false, null), state.resolve("control"),
                InetAddress.getLoopbackAddress(), 0, discard);
    }

    Path image(int unit) {
        return state.resolve("wd" + unit + ".img");
    }

    InetSocketAddress nbdAddress() {
        return daemon.nbdAddress();
    }

    /** {@code nbd+unix:///NAME?socket=STATE/nbd.sock}: the daemon's default transport. */
    String uri(String name) {
        return "nbd+unix:///" + name + "?socket=" + state.resolve("nbd.sock").toAbsolutePath();
    }

    /** Runs dmctl; asserts success and no stderr; returns stdout. */
    String dmctl(String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Dmctl.run(new UnixSocketTransport(daemon.controlPath()), args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals("", e.toString(StandardCharsets.UTF_8), String.join(" ", args));
        assertEquals(0, rc, String.join(" ", args));
        return o.toString(StandardCharsets.UTF_8);
    }

    /** Runs dmctl; returns {exit code, stderr}. */
    Object[] dmctlRaw(String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Dmctl.run(new UnixSocketTransport(daemon.controlPath()), args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Object[] {rc, e.toString(StandardCharsets.UTF_8)};
    }

    /** create + reload + resume. */
    void device(String name, String table) {
        dmctl("", "create", name);
        dmctl(table, "reload", name);
        dmctl("", "resume", name);
    }

    @Override
    public void close() {
        daemon.close();
    }
}
