package org.dmemu.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A TCP listener speaking the NBD protocol (newstyle, fixed) for an {@link NbdExports}.
 * One reading thread per connection from a bounded pool ({@link #MAX_CONNECTIONS}), plus the
 * connection's own {@link NbdConnection#WORKERS} worker threads; a connection that finds the pool
 * full is closed at once.
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

    private final ServerSocketChannel listener;
    private final InetSocketAddress bound;
    private final NbdExports exports;
    private final ExecutorService pool;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Object idle = new Object();
    private int inFlight;
    private volatile boolean closing;
    /** False with {@code serve --no-discard}: no TRIM, write-zeroes never punch holes. */
    private final boolean discard;

    /** Binds {@code bind:port} (port 0 = an ephemeral port) and starts accepting. */
    public NbdServer(InetAddress bind, int port, NbdExports exports) throws IOException {
        this(bind, port, exports, true);
    }

    /**
     * As {@link #NbdServer(InetAddress, int, NbdExports)}; {@code discard} false offers no
     * {@code NBD_CMD_TRIM} and makes write-zeroes write zeros ({@code serve --no-discard}).
     */
    public NbdServer(InetAddress bind, int port, NbdExports exports, boolean discard) throws IOException {
        this.discard = discard;
        this.exports = exports;
        this.listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(bind, port), 64);
        this.bound = (InetSocketAddress) listener.getLocalAddress();
        this.pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "nbd-conn");
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "nbd-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The address actually bound (with the ephemeral port resolved). */
    public InetSocketAddress address() {
        return bound;
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
            NbdConnection c = new NbdConnection(s, exports, this);
            connections.add(c);
            try {
                pool.execute(c);
            } catch (RejectedExecutionException e) {
                connections.remove(c);
                closeQuietly(s);
            }
        }
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
        connections.remove(c);
    }

    void requestStarted() {
        synchronized (idle) {
            inFlight++;
        }
    }

    void requestDone() {
        synchronized (idle) {
            inFlight--;
            idle.notifyAll();
        }
    }

    /** Stops accepting, lets in-flight requests finish, and closes every connection. */
    @Override
    public void close() {
        closing = true;
        closeQuietly(listener);
        for (NbdConnection c : connections) {
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
    }

    /** The number of requests being served right now. */
    int inFlight() {
        synchronized (idle) {
            return inFlight;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
