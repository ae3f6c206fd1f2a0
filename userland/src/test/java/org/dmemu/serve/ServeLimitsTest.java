package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dmemu.kern.IoctlResult;
import org.dmemu.libdm.UnixSocketTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, points 4–6: no client can exhaust the daemon. NBD: a handshake timeout and a
 * connection bound that sheds stalled handshakes first; control socket: an idle timeout, a
 * bound that sheds the idlest connection, a busy reply the client explains, and handler
 * failures (even {@link OutOfMemoryError}) answered with EIO and one log line.
 */
class ServeLimitsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    // ---- NBD ----

    private static NbdServer nbd(MemExports exports, NbdServer.Limits limits, PrintStream log) throws IOException {
        return new NbdServer(NbdServer.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), null,
                exports, limits, log);
    }

    /** A client that reads the greeting and then says nothing. */
    private static Socket stall(InetSocketAddress a) throws IOException {
        Socket s = new Socket(a.getAddress(), a.getPort());
        s.setSoTimeout(10_000);
        new DataInputStream(s.getInputStream()).readFully(new byte[18]);
        return s;
    }

    private static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void nbd_64StalledHandshakes_doNotLockOutTheNextClient() throws Exception {
        MemExports exports = new MemExports();
        exports.add("d", 64 * 1024);
        try (NbdServer server = new NbdServer(InetAddress.getLoopbackAddress(), 0, exports)) {
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < NbdServer.MAX_CONNECTIONS; i++) {
                stalled.add(stall(server.address()));
            }
            try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
                assertEquals(64 * 1024, c.size);
                assertArrayEquals(new byte[512], c.read(0, 512));
            }
            assertTrue(closedByServer(stalled.get(0)), "the oldest stalled handshake made room");
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void nbd_handshakeTimeout_closesTheStaller_keepsTransmission() throws Exception {
        MemExports exports = new MemExports();
        exports.add("d", 64 * 1024);
        try (NbdServer server = nbd(exports, new NbdServer.Limits(64, 300), log)) {
            Socket s = stall(server.address());
            try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
                long t0 = System.nanoTime();
                assertTrue(closedByServer(s), "a stalled handshake is closed");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5000, "closed after " + ms + " ms");
                assertArrayEquals(new byte[512], c.read(0, 512), "a client past its handshake stays");
            }
            s.close();
            assertEquals("dmemu serve: nbd " + server.where()
                    + ": closed a connection that did not finish its handshake within 300 ms\n", log());
        }
    }

    @Test
    void nbd_boundReached_allInTransmission_newcomerRefusedWithALogLine() throws Exception {
        MemExports exports = new MemExports();
        exports.add("d", 64 * 1024);
        try (NbdServer server = nbd(exports, new NbdServer.Limits(2, 10_000), log)) {
            Socket s = stall(server.address());
            try (NbdTestClient a = NbdTestClient.go(server.address(), "d");
                 NbdTestClient b = NbdTestClient.go(server.address(), "d")) {
                assertTrue(closedByServer(s), "the stalled handshake made room for b");
                Socket late = new Socket(server.address().getAddress(), server.address().getPort());
                late.setSoTimeout(10_000);
                assertTrue(closedByServer(late), "no room: closed");
                late.close();
                assertArrayEquals(new byte[512], a.read(0, 512));
                assertArrayEquals(new byte[512], b.read(512, 512));
            }
            s.close();
            String w = server.where();
            assertEquals("dmemu serve: nbd " + w + ": connection limit (2) reached: closed the oldest connection still "
                    + "in its handshake", log().lines().findFirst().orElse("").replaceAll(" \\(\\d+ ms\\)$", ""));
            assertTrue(log().contains("dmemu serve: nbd " + w + ": connection limit (2) reached and every connection "
                    + "is past its handshake: refused a client\n"), log());
        }
    }

    // ---- control socket ----

    private static byte[] frame(long cmd, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).putInt((int) cmd).putInt(body.length).put(body).array();
    }

    private static IoctlResult echo(long cmd, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
        return new IoctlResult(0, out);
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("control")));
    }

    private static boolean closedByServer(SocketChannel c) {
        try {
            return c.read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void control_32IdleConnections_doNotLockOutDmctl() throws Exception {
        try (ControlServer server = new ControlServer(dir.resolve("control"), ServeLimitsTest::echo,
                ControlServer.Limits.DEFAULT, log)) {
            List<SocketChannel> idle = new ArrayList<>();
            for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
                idle.add(connect());
            }
            IoctlResult r = new UnixSocketTransport(server.path()).ioctl(0xC010FD00L, new byte[] {'x'});
            assertEquals(0, r.errno());
            assertArrayEquals(new byte[] {'x', 0}, r.out());
            assertTrue(closedByServer(idle.get(0)), "the idlest connection made room");
            assertTrue(log().startsWith("dmemu serve: control: connection limit (32) reached: closed the connection "
                    + "idle longest ("), log());
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    @Test
    void control_idleTimeout_closesAQuietConnection() throws Exception {
        try (ControlServer server = new ControlServer(dir.resolve("control"), ServeLimitsTest::echo,
                new ControlServer.Limits(32, 10_000, 300), log)) {
            try (SocketChannel quiet = connect()) {
                long t0 = System.nanoTime();
                assertTrue(closedByServer(quiet));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 250 && ms < 5000, "closed after " + ms + " ms");
            }
            assertEquals(0, new UnixSocketTransport(server.path()).ioctl(1, new byte[0]).errno());
        }
    }

    @Test
    void control_everyConnectionBusy_clientSaysTheDaemonIsAtItsLimit() throws Exception {
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try (ControlServer server = new ControlServer(dir.resolve("control"), (cmd, b) -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return echo(cmd, b);
        }, new ControlServer.Limits(2, 10_000, 60_000), log)) {
            List<SocketChannel> busy = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SocketChannel c = connect();
                c.write(ByteBuffer.wrap(frame(1, new byte[] {'b'})));
                busy.add(c);
            }
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            ByteArrayOutputStream diag = new ByteArrayOutputStream();
            IoctlResult r = new UnixSocketTransport(server.path(), new PrintStream(diag, true, StandardCharsets.UTF_8))
                    .ioctl(1, new byte[] {'x'});
            assertEquals(UnixSocketTransport.EAGAIN, r.errno());
            assertEquals("dmemu: " + server.path() + ": the daemon is at its connection limit (2 clients); try again "
                    + "when fewer clients are connected\n", diag.toString(StandardCharsets.UTF_8));
            assertEquals("dmemu serve: control: connection limit (2) reached and every connection is inside a request: "
                    + "refused a client\n", log());
            release.countDown();
            for (SocketChannel c : busy) {
                ByteBuffer h = ByteBuffer.allocate(10);
                while (h.hasRemaining() && c.read(h) >= 0) {
                    // the reply: errno 0, length 2, "b\0"
                }
                assertEquals(0, h.getInt(0));
                c.close();
            }
        }
    }

    @Test
    void control_handlerOutOfMemory_EIO_oneLogLine_serverLives() throws Exception {
        try (ControlServer server = new ControlServer(dir.resolve("control"), (cmd, b) -> {
            if (cmd == 0xfd00) {
                throw new OutOfMemoryError("Java heap space");
            }
            return echo(cmd, b);
        }, ControlServer.Limits.DEFAULT, log)) {
            UnixSocketTransport t = new UnixSocketTransport(server.path());
            assertEquals(5, t.ioctl(0xfd00, new byte[7]).errno());
            assertEquals("dmemu serve: control: internal error in ioctl 0xfd00 (7 bytes): java.lang.OutOfMemoryError: "
                    + "Java heap space; answered EIO\n", log());
            assertEquals(0, t.ioctl(1, new byte[0]).errno());
        }
    }
}
