package org.dmemu.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dmemu.kern.IoctlResult;
import org.dmemu.sys.Errno;

/**
 * The daemon's stand-in for {@code /dev/mapper/control}: a Unix-domain stream socket on which
 * each frame is one {@code NETBSD_DM_IOCTL}.
 *
 * <p>Framing (all integers big-endian): request = u32 ioctl command, u32 length, that many
 * bytes (what {@code pref_plist} points at; the length is {@code pref_len}); reply = i32 errno
 * (0 = success), u32 length, that many bytes (the copied-out plistref buffer, its NUL
 * included; empty when errno ≠ 0). Any number of frames per connection. One reply is not a
 * kernel's: {@link #BUSY_ERRNO} with a text body ({@code "connection limit N"}), sent unasked
 * to a client the server has no room for, just before closing it.
 *
 * <p>Robustness rules (the daemon survives any client):
 * <ul>
 * <li>A length up to {@link #MAX_FRAME} (128 KiB + 4 KiB) is read and handed to the kernel, which
 * answers E2BIG itself for {@code pref_len >= 128 KiB} as NetBSD's copyin does.</li>
 * <li>A longer length is answered with E2BIG without reading the body, and the connection is
 * closed (the stream cannot be resynchronised without reading it).</li>
 * <li>Once the first byte of a frame has arrived, the rest must follow within
 * {@link #FRAME_TIMEOUT_MS}; otherwise the connection is closed.</li>
 * <li>A connection idle between frames for {@link #IDLE_TIMEOUT_MS} is closed.</li>
 * <li>A failure inside the handler (a bug, even an {@link Error} such as running out of memory)
 * is answered with EIO and logged as one line; the server keeps running and prints no stack
 * trace.</li>
 * <li>At most {@link #MAX_CONNECTIONS} clients at once. One more closes the connection that has
 * been idle longest (an idle client never starves a new one); when every connection is inside
 * a request, the newcomer gets the busy reply, and the log one line.</li>
 * </ul>
 *
 * <p>The socket file is created owner-only ({@link UnixSockets#bindOwnerOnly}).
 *
 * <p>Differences from NetBSD: a socket instead of a character device; the plistref's
 * {@code pref_plist} pointer travels as the bytes it points at.
 */
public final class ControlServer implements AutoCloseable {
    public static final int MAX_FRAME = 128 * 1024 + 4096;
    public static final int MAX_CONNECTIONS = 32;
    public static final long FRAME_TIMEOUT_MS = 10_000;
    public static final long IDLE_TIMEOUT_MS = 60_000;
    /** The errno of the busy reply: NetBSD's EAGAIN. */
    public static final int BUSY_ERRNO = 35;

    /** The limits of one server. */
    record Limits(int maxConnections, long frameTimeoutMs, long idleTimeoutMs) {
        static final Limits DEFAULT = new Limits(MAX_CONNECTIONS, FRAME_TIMEOUT_MS, IDLE_TIMEOUT_MS);
    }

    /** One client: its channel and since when it has been idle between frames (0 = inside a frame). */
    private static final class Client {
        final SocketChannel ch;
        /** Accept time, then the end of each reply (never 0 while idle: the low bit is set). */
        volatile long idleSince = System.nanoTime() | 1;

        Client(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private final Path path;
    private final ServerSocketChannel listener;
    private final ControlHandler handler;
    private final Limits limits;
    private final PrintStream log;
    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;

    /**
     * Creates the socket at {@code path} (a stale socket file left by a dead server is
     * replaced; a live one is an error) and starts accepting; logs to stderr.
     */
    public ControlServer(Path path, ControlHandler handler) throws IOException {
        this(path, handler, Limits.DEFAULT, System.err);
    }

    /** As {@link #ControlServer(Path, ControlHandler)} with another frame timeout (tests). */
    ControlServer(Path path, ControlHandler handler, long frameTimeoutMs) throws IOException {
        this(path, handler, new Limits(MAX_CONNECTIONS, frameTimeoutMs, IDLE_TIMEOUT_MS), System.err);
    }

    /** With the given limits, logging one line per event to {@code log}. */
    ControlServer(Path path, ControlHandler handler, Limits limits, PrintStream log) throws IOException {
        this.limits = limits;
        this.log = log;
        this.path = path.toAbsolutePath();
        this.handler = handler;
        this.listener = UnixSockets.bindOwnerOnly(this.path);
        this.pool = Executors.newCachedThreadPool(r -> daemon(r, "control-conn"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "control-watchdog"));
        this.acceptor = daemon(this::acceptLoop, "control-accept");
        acceptor.start();
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> log.println("dmemu serve: control: " + th.getName()
                + ": internal error: " + e));
        return t;
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (closing || !listener.isOpen()) {
                    return;
                }
                continue;
            }
            if (clients.size() >= limits.maxConnections() && !evictIdlest()) {
                log.println("dmemu serve: control: connection limit (" + limits.maxConnections()
                        + ") reached and every connection is inside a request: refused a client");
                refuse(c);
                continue;
            }
            Client cl = new Client(c);
            clients.add(cl);
            pool.execute(() -> serve(cl));
        }
    }

    /** Closes the connection idle longest, if any is idle; true if one was closed. */
    private boolean evictIdlest() {
        Client idlest = null;
        for (Client c : clients) {
            long s = c.idleSince;
            if (s != 0 && (idlest == null || s - idlest.idleSince < 0)) {
                idlest = c;
            }
        }
        if (idlest == null || !clients.remove(idlest)) {
            return false;
        }
        log.println("dmemu serve: control: connection limit (" + limits.maxConnections()
                + ") reached: closed the connection idle longest ("
                + (System.nanoTime() - idlest.idleSince) / 1_000_000 + " ms)");
        closeQuietly(idlest.ch);
        return true;
    }

    /** The busy reply, then close: the client can tell the limit from a broken daemon. */
    private void refuse(SocketChannel c) {
        try {
            reply(c, BUSY_ERRNO, ("connection limit " + limits.maxConnections()).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the client is gone already
        } finally {
            closeQuietly(c);
        }
    }

    private void serve(Client cl) {
        SocketChannel c = cl.ch;
        ByteBuffer hdr = ByteBuffer.allocate(8);
        String client = describe(c, connections.incrementAndGet());
        try {
            while (!closing) {
                hdr.clear();
                ScheduledFuture<?> idleDog = watchdog.schedule(() -> closeQuietly(c), limits.idleTimeoutMs(),
                        TimeUnit.MILLISECONDS);
                int n;
                try {
                    n = c.read(hdr);
                } finally {
                    idleDog.cancel(false);
                }
                if (n < 0) {
                    return;
                }
                cl.idleSince = 0;
                if (!clients.contains(cl)) {
                    return; // evicted while the first bytes arrived
                }
                ScheduledFuture<?> dog = watchdog.schedule(() -> closeQuietly(c), limits.frameTimeoutMs(),
                        TimeUnit.MILLISECONDS);
                try {
                    if (!readFully(c, hdr)) {
                        return;
                    }
                    long cmd = hdr.getInt(0) & 0xffffffffL;
                    long len = hdr.getInt(4) & 0xffffffffL;
                    if (len > MAX_FRAME) {
                        reply(c, Errno.E2BIG.number(), new byte[0]);
                        return;
                    }
                    ByteBuffer body = ByteBuffer.allocate((int) len);
                    if (!readFully(c, body)) {
                        return;
                    }
                    dog.cancel(false);
                    IoctlResult r = call(cmd, body.array(), client);
                    reply(c, r.errno(), r.errno() == 0 ? r.out() : new byte[0]);
                    cl.idleSince = System.nanoTime() | 1;
                } finally {
                    dog.cancel(false);
                }
            }
        } catch (IOException e) {
            // client gone or a watchdog closed it
        } finally {
            clients.remove(cl);
            closeQuietly(c);
        }
    }

    /** {@code connection N (uid NAME)}: the connection's number and its peer's user. */
    private static String describe(SocketChannel c, long n) {
        try {
            jdk.net.UnixDomainPrincipal p = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            return "connection " + n + " (uid " + p.user().getName() + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "connection " + n;
        }
    }

    /** The handler, with any failure turned into EIO and one log line. */
    private IoctlResult call(long cmd, byte[] plist, String client) {
        try {
            return handler.ioctl(cmd, plist, client);
        } catch (RuntimeException | Error e) {
            try {
                log.println("dmemu serve: control: internal error in ioctl 0x" + Long.toHexString(cmd) + " ("
                        + plist.length + " bytes): " + e + "; answered EIO");
            } catch (RuntimeException | Error ignored) {
                // not even a log line fits: the reply still goes out
            }
            return new IoctlResult(Errno.EIO.number(), new byte[0]);
        }
    }

    private static boolean readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void reply(SocketChannel c, int errno, byte[] out) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + out.length);
        b.putInt(errno).putInt(out.length).put(out).flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /**
     * Stops accepting, removes the socket file, and waits for requests being served to be
     * answered; idle clients are disconnected.
     */
    @Override
    public void close() {
        closing = true;
        closeQuietly(listener);
        try {
            java.nio.file.Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
        for (Client c : clients) {
            try {
                c.ch.shutdownInput();
            } catch (IOException ignored) {
                // already gone
            }
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
