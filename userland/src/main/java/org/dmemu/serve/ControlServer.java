package org.dmemu.serve;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * included; empty when errno ≠ 0). Any number of frames per connection.
 *
 * <p>Robustness rules:
 * <ul>
 * <li>A length up to {@link #MAX_FRAME} (128 KiB + 4 KiB) is read and handed to the kernel, which
 * answers E2BIG itself for {@code pref_len >= 128 KiB} as NetBSD's copyin does.</li>
 * <li>A longer length is answered with E2BIG without reading the body, and the connection is
 * closed (the stream cannot be resynchronised without reading it).</li>
 * <li>Once the first byte of a frame has arrived, the rest must follow within
 * {@link #FRAME_TIMEOUT_MS}; otherwise the connection is closed. Idle connections may stay.</li>
 * <li>A failure inside the handler (a bug) is answered with EIO; the server keeps running.</li>
 * <li>At most {@link #MAX_CONNECTIONS} clients at once; one more is closed at once.</li>
 * </ul>
 *
 * <p>The socket file is created owner-only: it is bound inside a fresh 0700 directory, made
 * 0600, and only then renamed to its final path, so no other user can connect in between.
 *
 * <p>Differences from NetBSD: a socket instead of a character device; the plistref's
 * {@code pref_plist} pointer travels as the bytes it points at.
 */
public final class ControlServer implements AutoCloseable {
    public static final int MAX_FRAME = 128 * 1024 + 4096;
    public static final int MAX_CONNECTIONS = 32;
    public static final long FRAME_TIMEOUT_MS = 10_000;

    private final Path path;
    private final ServerSocketChannel listener;
    private final ControlHandler handler;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final long frameTimeoutMs;
    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;

    /**
     * Creates the socket at {@code path} (a stale socket file left by a dead server is
     * replaced; a live one is an error) and starts accepting.
     */
    public ControlServer(Path path, ControlHandler handler) throws IOException {
        this(path, handler, FRAME_TIMEOUT_MS);
    }

    /** As {@link #ControlServer(Path, ControlHandler)} with another frame timeout (tests). */
    ControlServer(Path path, ControlHandler handler, long frameTimeoutMs) throws IOException {
        this.frameTimeoutMs = frameTimeoutMs;
        this.path = path.toAbsolutePath();
        this.handler = handler;
        removeStale(this.path);
        Path parent = this.path.getParent();
        Path priv = Files.createTempDirectory(parent, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmpSock = priv.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmpSock), 64);
            Files.setPosixFilePermissions(tmpSock, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmpSock, this.path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ch.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmpSock);
            Files.deleteIfExists(priv);
        }
        this.listener = ch;
        this.pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "control-conn"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "control-watchdog"));
        this.acceptor = daemon(this::acceptLoop, "control-accept");
        acceptor.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Removes a stale socket file at {@code p}; fails if a server is listening there or it is not a socket. */
    static void removeStale(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            throw new FileAlreadyExistsException(p.toString(), null, "a server is already listening there");
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException deadOrNotASocket) {
            if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p)) {
                throw new FileAlreadyExistsException(p.toString(), null, "exists and is not a socket");
            }
            Files.delete(p);
        }
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
            clients.add(c);
            try {
                pool.execute(() -> serve(c));
            } catch (RejectedExecutionException e) {
                clients.remove(c);
                closeQuietly(c);
            }
        }
    }

    private void serve(SocketChannel c) {
        ByteBuffer hdr = ByteBuffer.allocate(8);
        String client = describe(c, connections.incrementAndGet());
        try {
            while (!closing) {
                hdr.clear();
                if (c.read(hdr) < 0) {
                    return;
                }
                ScheduledFuture<?> dog = watchdog.schedule(() -> closeQuietly(c), frameTimeoutMs,
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
                    IoctlResult r;
                    try {
                        r = handler.ioctl(cmd, body.array(), client);
                    } catch (RuntimeException e) {
                        r = new IoctlResult(Errno.EIO.number(), new byte[0]);
                    }
                    reply(c, r.errno(), r.errno() == 0 ? r.out() : new byte[0]);
                } finally {
                    dog.cancel(false);
                }
            }
        } catch (IOException e) {
            // client gone or watchdog closed it
        } finally {
            clients.remove(c);
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
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
        for (SocketChannel c : clients) {
            try {
                c.shutdownInput();
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
