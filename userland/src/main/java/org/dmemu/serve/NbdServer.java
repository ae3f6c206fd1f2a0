package org.dmemu.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A listener speaking the NBD protocol (newstyle, fixed) for an {@link NbdExports}, on an
 * owner-only Unix-domain socket ({@link #unix}) or, when asked for, on TCP ({@link #bindTcp}).
 * One reading thread per connection, plus the connection's own worker threads.
 *
 * <p>Limits (the daemon survives any client):
 * <ul>
 * <li>A client must finish the handshake (choose an export) within
 * {@link #HANDSHAKE_TIMEOUT_MS}, as nbdkit's {@code --timeout}; otherwise it is closed.</li>
 * <li>At most {@link #MAX_CONNECTIONS} connections at once. One more closes the oldest
 * connection still in its handshake, so that clients which never finish it cannot lock anyone
 * out even for the length of the timeout; when every connection is past its handshake, the
 * newcomer is closed and the log says so in one line. Connections in transmission are never
 * closed for a newcomer (a quiet client may have a file system mounted).</li>
 * <li>A connection's failure is logged as one line; no stack trace is printed.</li>
 * </ul>
 *
 * <p>Stopping ({@link #close()}): the listener closes, every connection stops reading new
 * requests, the requests being served complete and are answered, then each connection flushes
 * and closes its device.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
public final class NbdServer implements AutoCloseable {
    /** The most connections served at once. */
    public static final int MAX_CONNECTIONS = 64;
    /** The time a client has to finish its handshake. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    /** The limits of one server. */
    record Limits(int maxConnections, long handshakeTimeoutMs) {
        static final Limits DEFAULT = new Limits(MAX_CONNECTIONS, HANDSHAKE_TIMEOUT_MS);
    }

    /** What the server knows of one connection. */
    private static final class Entry {
        final SocketChannel ch;
        final long since = System.nanoTime();
        volatile boolean transmission;
        volatile ScheduledFuture<?> dog;

        Entry(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private final ServerSocketChannel listener;
    private final String where;
    private final Path socketFile;
    private final NbdExports exports;
    private final Limits limits;
    private final PrintStream log;
    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog;
    private final Map<NbdConnection, Entry> connections = new ConcurrentHashMap<>();
    private final Thread acceptor;
    /** Requests being served on every connection (a counter without a lock: no contention between connections). */
    private final java.util.concurrent.atomic.LongAdder inFlight = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closing;
    /** False with {@code serve --no-discard}: no TRIM, write-zeroes never punch holes. */
    private final boolean discard;

    /**
     * Serves on an already bound listener ({@link #bindTcp}, {@link UnixSockets#bindOwnerOnly});
     * {@code socketFile} is removed when the server stops (null for TCP).
     */
    NbdServer(ServerSocketChannel listener, Path socketFile, NbdExports exports, Limits limits, PrintStream log)
            throws IOException {
        this(listener, socketFile, exports, limits, true, log);
    }

    /** As above; {@code discard} false offers no {@code NBD_CMD_TRIM} ({@code serve --no-discard}). */
    NbdServer(ServerSocketChannel listener, Path socketFile, NbdExports exports, Limits limits, boolean discard,
            PrintStream log) throws IOException {
        this.discard = discard;
        this.listener = listener;
        this.socketFile = socketFile;
        this.exports = exports;
        this.limits = limits;
        this.log = log;
        if (listener.getLocalAddress() instanceof InetSocketAddress a) {
            this.where = hostPort(a);
        } else {
            this.where = ((UnixDomainSocketAddress) listener.getLocalAddress()).getPath().toString();
        }
        this.pool = Executors.newCachedThreadPool(r -> daemon(r, "nbd-conn"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nbd-watchdog"));
        this.acceptor = daemon(this::acceptLoop, "nbd-accept");
        acceptor.start();
    }

    /** A TCP server on {@code bind:port} (port 0 = an ephemeral port), logging to stderr (tests). */
    public NbdServer(java.net.InetAddress bind, int port, NbdExports exports) throws IOException {
        this(bind, port, exports, true);
    }

    /**
     * As {@link #NbdServer(java.net.InetAddress, int, NbdExports)}; {@code discard} false offers no
     * {@code NBD_CMD_TRIM} and makes write-zeroes write zeros ({@code serve --no-discard}).
     */
    public NbdServer(java.net.InetAddress bind, int port, NbdExports exports, boolean discard) throws IOException {
        this(bindTcp(new InetSocketAddress(bind, port)), null, exports, Limits.DEFAULT, discard, System.err);
    }

    /** The TCP address bound (with the ephemeral port resolved), or null for a Unix socket. */
    public InetSocketAddress address() {
        return tcpAddress();
    }

    /** Binds {@code addr} (port 0 = an ephemeral port) for NBD over TCP. */
    public static ServerSocketChannel bindTcp(InetSocketAddress addr) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(addr.getAddress() instanceof java.net.Inet4Address
                ? java.net.StandardProtocolFamily.INET : java.net.StandardProtocolFamily.INET6);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(addr, 64);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** An NBD server on the owner-only Unix socket {@code path}. */
    public static NbdServer unix(Path path, NbdExports exports, boolean discard, PrintStream log) throws IOException {
        Path abs = path.toAbsolutePath();
        return new NbdServer(UnixSockets.bindOwnerOnly(abs), abs, exports, Limits.DEFAULT, discard, log);
    }

    /** An NBD server on a TCP listener bound with {@link #bindTcp}. */
    public static NbdServer tcp(ServerSocketChannel bound, NbdExports exports, boolean discard, PrintStream log)
            throws IOException {
        return new NbdServer(bound, null, exports, Limits.DEFAULT, discard, log);
    }

    /** {@code 127.0.0.1:10809}, {@code [::1]:10809}. */
    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> log.println("dmemu serve: nbd: " + th.getName()
                + ": internal error: " + e));
        return t;
    }

    /** The socket path, or {@code HOST:PORT} for TCP. */
    public String where() {
        return where;
    }

    /** The TCP address bound, or null for a Unix socket. */
    public InetSocketAddress tcpAddress() {
        try {
            return listener.getLocalAddress() instanceof InetSocketAddress a ? a : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The Unix socket's path, or null for TCP. */
    public Path socketPath() {
        return socketFile;
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (closing || !listener.isOpen()) {
                    return; // closed
                }
                continue;
            }
            if (connections.size() >= limits.maxConnections() && !evictOldestHandshake()) {
                log.println("dmemu serve: nbd " + where + ": connection limit (" + limits.maxConnections()
                        + ") reached and every connection is past its handshake: refused a client");
                closeQuietly(s);
                continue;
            }
            NbdConnection c = new NbdConnection(s, exports, this);
            Entry e = new Entry(s);
            connections.put(c, e);
            e.dog = watchdog.schedule(() -> handshakeTimedOut(c, e), limits.handshakeTimeoutMs(),
                    TimeUnit.MILLISECONDS);
            pool.execute(c);
        }
    }

    private boolean evictOldestHandshake() {
        NbdConnection oldest = null;
        Entry oe = null;
        for (Map.Entry<NbdConnection, Entry> me : connections.entrySet()) {
            Entry e = me.getValue();
            if (!e.transmission && (oe == null || e.since - oe.since < 0)) {
                oldest = me.getKey();
                oe = e;
            }
        }
        if (oldest == null || connections.remove(oldest) == null) {
            return false;
        }
        log.println("dmemu serve: nbd " + where + ": connection limit (" + limits.maxConnections()
                + ") reached: closed the oldest connection still in its handshake ("
                + (System.nanoTime() - oe.since) / 1_000_000 + " ms)");
        oe.dog.cancel(false);
        closeQuietly(oe.ch);
        return true;
    }

    private void handshakeTimedOut(NbdConnection c, Entry e) {
        if (!e.transmission && connections.containsKey(c)) {
            log.println("dmemu serve: nbd " + where + ": closed a connection that did not finish its handshake within "
                    + limits.handshakeTimeoutMs() + " ms");
            closeQuietly(e.ch);
        }
    }

    /** The connection chose an export: the handshake timeout no longer applies. */
    void transmissionStarted(NbdConnection c) {
        Entry e = connections.get(c);
        if (e != null) {
            e.transmission = true;
            e.dog.cancel(false);
        }
    }

    /** A connection ended abnormally (a failing device, a bug): one log line. */
    void connectionFailed(Throwable t) {
        log.println("dmemu serve: nbd " + where + ": connection closed after an internal error: " + t);
    }

    /** Data bytes sent in answer to reads, over every connection (the server's own statistics). */
    private final java.util.concurrent.atomic.LongAdder bytesRead = new java.util.concurrent.atomic.LongAdder();

    /** The data bytes sent in answer to NBD_CMD_READ so far. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    void countRead(long n) {
        bytesRead.add(n);
    }

    /**
     * Request slots of ended connections, kept for the next ones (their buffers are grown
     * already): a short connection (nbdinfo, a sparse nbdcopy) then allocates no buffers.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<NbdRequest> slotPool =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();
    /** The most slots kept in {@link #slotPool}. */
    private static final int POOL_SLOTS = 32;

    /** A request slot: a pooled one, or a new one. */
    NbdRequest takeSlot() {
        NbdRequest r = slotPool.poll();
        if (r == null) {
            return new NbdRequest();
        }
        pooled.decrementAndGet();
        return r;
    }

    /** Gives back the slot of an ended connection (dropped when the pool is full). */
    void giveSlot(NbdRequest r) {
        if (pooled.incrementAndGet() <= POOL_SLOTS) {
            slotPool.add(r);
        } else {
            pooled.decrementAndGet();
        }
    }

    /** Whether discards are allowed ({@code serve --no-discard} turns them off). */
    boolean discard() {
        return discard;
    }

    void connectionDone(NbdConnection c) {
        Entry e = connections.remove(c);
        if (e != null && e.dog != null) {
            e.dog.cancel(false);
        }
    }

    void requestStarted() {
        inFlight.increment();
    }

    void requestDone() {
        inFlight.decrement();
    }

    /** Stops accepting, lets in-flight requests finish, and closes every connection. */
    @Override
    public void close() {
        closing = true;
        closeQuietly(listener);
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ignored) {
                // best effort
            }
        }
        for (NbdConnection c : connections.keySet()) {
            c.shutdownInput();
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

    /** The number of requests being served right now. */
    int inFlight() {
        return inFlight.intValue();
    }

    /** The number of connections open right now. */
    int connections() {
        return connections.size();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
