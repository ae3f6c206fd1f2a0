package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.dmemu.kern.IoctlResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket's framing and its robustness: the handler here echoes the request
 * reversed with a NUL (errno 0) unless the command is 0xdead, which fails with ENOTTY (25),
 * or 0xbad, which throws.
 */
class ControlServerTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private final AtomicLong lastCmd = new AtomicLong();

    private IoctlResult handle(long cmd, byte[] b) {
        lastCmd.set(cmd);
        if (cmd == 0xdead) {
            return new IoctlResult(25, new byte[0]);
        }
        if (cmd == 0xbad) {
            throw new IllegalStateException("handler bug");
        }
        if (b.length >= 128 * 1024) {
            return new IoctlResult(7, new byte[0]);
        }
        byte[] out = new byte[b.length + 1];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return new IoctlResult(0, out);
    }

    @BeforeEach
    void start() throws IOException {
        server = new ControlServer(dir.resolve("control"), this::handle, 300);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("control")));
    }

    private static void send(SocketChannel c, byte[] raw) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(raw);
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static byte[] frame(long cmd, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt((int) cmd).putInt(body.length).put(body);
        return b.array();
    }

    private record Reply(int errno, byte[] out) {
    }

    /** Reads one reply, or returns null at end of stream. */
    private static Reply read(SocketChannel c) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(8);
        while (h.hasRemaining()) {
            if (c.read(h) < 0) {
                return null;
            }
        }
        ByteBuffer body = ByteBuffer.allocate(h.getInt(4));
        while (body.hasRemaining()) {
            if (c.read(body) < 0) {
                return null;
            }
        }
        return new Reply(h.getInt(0), body.array());
    }

    private void assertNormalRequestWorks() throws IOException {
        try (SocketChannel c = connect()) {
            send(c, frame(0xC010FD00L, "abc".getBytes(StandardCharsets.US_ASCII)));
            Reply r = read(c);
            assertEquals(0, r.errno());
            assertArrayEquals(new byte[] {'c', 'b', 'a', 0}, r.out());
            assertEquals(0xC010FD00L, lastCmd.get());
        }
    }

    @Test
    void socketFile_isOwnerOnly() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("control"))));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("control")), s.toList());
        }
    }

    @Test
    void severalFramesOnOneConnection_andErrnoReplyHasNoBody() throws IOException {
        try (SocketChannel c = connect()) {
            send(c, frame(0xC010FD00L, "xy".getBytes(StandardCharsets.US_ASCII)));
            send(c, frame(0xdead, "xy".getBytes(StandardCharsets.US_ASCII)));
            send(c, frame(0xC010FD00L, new byte[0]));
            Reply a = read(c);
            assertArrayEquals(new byte[] {'y', 'x', 0}, a.out());
            Reply b = read(c);
            assertEquals(25, b.errno());
            assertEquals(0, b.out().length);
            Reply d = read(c);
            assertArrayEquals(new byte[] {0}, d.out());
        }
    }

    @Test
    void lengthJustOver128K_isReadAndPassedOn_kernelAnswersE2BIG() throws IOException {
        try (SocketChannel c = connect()) {
            send(c, frame(0xC010FD00L, new byte[128 * 1024]));
            Reply r = read(c);
            assertEquals(7, r.errno());
            send(c, frame(0xC010FD00L, "q".getBytes(StandardCharsets.US_ASCII)));
            assertArrayEquals(new byte[] {'q', 0}, read(c).out());
        }
    }

    @Test
    void hugeLength_E2BIGWithoutReadingTheBody_thenClosed() throws IOException {
        try (SocketChannel c = connect()) {
            ByteBuffer h = ByteBuffer.allocate(8).putInt(0xC010FD00).putInt(0x7fffffff);
            send(c, h.array());
            Reply r = read(c);
            assertEquals(7, r.errno());
            assertEquals(0, r.out().length);
            assertEquals(null, read(c));
        }
        assertNormalRequestWorks();
    }

    @Test
    void handlerBug_EIO_serverLives() throws IOException {
        try (SocketChannel c = connect()) {
            send(c, frame(0xbad, new byte[3]));
            assertEquals(5, read(c).errno());
        }
        assertNormalRequestWorks();
    }

    @Test
    void daemonSurvivesAnyClient() throws Exception {
        Random rnd = new Random(1);
        // garbage frames of every shape
        for (int i = 0; i < 50; i++) {
            try (SocketChannel c = connect()) {
                byte[] junk = new byte[rnd.nextInt(64)];
                rnd.nextBytes(junk);
                send(c, junk);
            }
        }
        // half frames left hanging, then abandoned; the watchdog closes them
        List<SocketChannel> hanging = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SocketChannel c = connect();
            send(c, new byte[] {0, 0, 0});
            hanging.add(c);
        }
        SocketChannel halfBody = connect();
        send(halfBody, Arrays_copy(frame(1, new byte[100]), 50));
        // abrupt disconnects in the middle of a body
        for (int i = 0; i < 10; i++) {
            SocketChannel c = connect();
            send(c, Arrays_copy(frame(1, new byte[1000]), 8 + rnd.nextInt(900)));
            c.close();
        }
        // a client that sends a request and leaves before the reply
        SocketChannel rude = connect();
        send(rude, frame(0xC010FD00L, new byte[4000]));
        rude.close();
        assertNormalRequestWorks();
        Thread.sleep(700);
        assertEquals(null, read(halfBody), "watchdog closes a frame that stalls");
        for (SocketChannel c : hanging) {
            assertEquals(null, read(c));
            c.close();
        }
        halfBody.close();
        assertNormalRequestWorks();
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                try {
                    for (int k = 0; k < 20; k++) {
                        assertNormalRequestWorks();
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join(20_000);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void liveSocket_secondServerRefused_staleSocketReplaced() throws IOException {
        assertThrows(FileAlreadyExistsException.class, () -> new ControlServer(dir.resolve("control"), this::handle));
        server.close();
        // leave a stale socket file behind: bind one and close it without unlinking
        var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(dir.resolve("control")));
        ch.close();
        assertTrue(Files.exists(dir.resolve("control")));
        server = new ControlServer(dir.resolve("control"), this::handle);
        assertNormalRequestWorks();
    }

    private static byte[] Arrays_copy(byte[] b, int n) {
        return java.util.Arrays.copyOf(b, n);
    }
}
