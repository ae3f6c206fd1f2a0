package org.dmemu.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Errno;

/**
 * The block-I/O socket ({@link BlockIoProto}): open, read, write, seek, ioctl and fsync of the
 * emulated disk nodes for the {@code dmemu exec} preload library.
 *
 * <p>Like the control socket it is created owner-only (bound inside a fresh 0700 directory,
 * made 0600, then renamed into place). Each connection is served by its own thread until it
 * opens a file; from then on it only holds that file open, and {@link BlockIoLifetimes} closes
 * the file when the connection ends.
 *
 * <p>Robustness: a frame whose payload exceeds {@link BlockIoProto#MAX_IO} (or a path longer
 * than {@link BlockIoProto#MAX_PATH}) is answered E2BIG and the connection closed; at most
 * {@link #MAX_CONNECTIONS} connections at once; a failure inside the kernel is answered EIO.
 *
 * <p>Differences from NetBSD: a socket stands for the system calls on device nodes.
 */
public final class BlockIoServer implements AutoCloseable {
    /** Connections at once (each open descriptor of the program holds one). */
    public static final int MAX_CONNECTIONS = 256;

    private final Path path;
    private final ServerSocketChannel listener;
    private final BlockIoNodes nodes;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Map<Long, BlockIoFile> files = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final BlockIoLifetimes watcher;
    private volatile boolean closing;

    /** The block-I/O socket that belongs to the control socket at {@code control}. */
    public static Path pathFor(Path control) {
        return control.resolveSibling(control.getFileName() + ".bio");
    }

    /** Creates the socket at {@code path} (a stale one is replaced) and starts accepting. */
    public BlockIoServer(Path path, Kernel kernel) throws IOException {
        this.path = path.toAbsolutePath();
        this.nodes = new BlockIoNodes(kernel);
        UnixSockets.removeStale(this.path);
        ServerSocketChannel ch = UnixSockets.bindOwnerOnly(this.path);
        listener = ch;
        pool = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "blockio-conn");
            t.setDaemon(true);
            return t;
        });
        watcher = new BlockIoLifetimes(this);
        acceptor = new Thread(this::acceptLoop, "blockio-accept");
        acceptor.setDaemon(true);
        acceptor.start();
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
        boolean handedOver = false;
        ByteBuffer hdr = ByteBuffer.allocate(BlockIoProto.REQUEST_HEADER);
        try {
            while (!closing) {
                hdr.clear();
                if (!readFully(c, hdr)) {
                    return;
                }
                int op = hdr.getInt(0);
                int arg = hdr.getInt(4);
                long token = hdr.getLong(8);
                long offset = hdr.getLong(16);
                long count = hdr.getInt(24) & 0xffffffffL;
                long len = hdr.getInt(28) & 0xffffffffL;
                if (len > BlockIoProto.MAX_IO || count > BlockIoProto.MAX_IO) {
                    reply(c, Errno.E2BIG.number(), 0, null);
                    return;
                }
                ByteBuffer body = ByteBuffer.allocate((int) len);
                if (!readFully(c, body)) {
                    return;
                }
                try {
                    if (dispatch(c, op, arg, token, offset, (int) count, body.array())) {
                        handedOver = true; // an open file's connection: the lifetime watcher has it now
                        return;
                    }
                } catch (RuntimeException e) {
                    reply(c, Errno.EIO.number(), 0, null);
                }
            }
        } catch (IOException e) {
            // client gone
        } finally {
            if (!handedOver) {
                clients.remove(c);
                closeQuietly(c);
            }
        }
    }

    /** Serves one request; true when it opened a file on {@code c} (which then only holds it). */
    private boolean dispatch(SocketChannel c, int op, int arg, long token, long offset, int count, byte[] body)
            throws IOException {
        if (op == BlockIoProto.OP_STAT || op == BlockIoProto.OP_OPEN) {
            BlockIoNodes.Node node;
            if (op == BlockIoProto.OP_STAT && body.length == 0) {
                BlockIoFile f = files.get(token);
                node = f == null ? null : f.node();
                if (node == null) {
                    reply(c, Errno.EBADF.number(), 0, null);
                    return false;
                }
            } else {
                if (body.length > BlockIoProto.MAX_PATH) {
                    reply(c, Errno.ENAMETOOLONG.number(), 0, null);
                    return false;
                }
                String p = new String(body, StandardCharsets.ISO_8859_1);
                if (op == BlockIoProto.OP_OPEN) {
                    return open(c, p, arg, token);
                }
                node = nodes.lookup(BlockIoNodes.canonical(p));
                if (node == null) {
                    reply(c, Errno.ENOENT.number(), 0, null);
                    return false;
                }
            }
            reply(c, 0, 0, stat(node));
            return false;
        }
        if (op == BlockIoProto.OP_CLOSED) {
            reply(c, 0, watcher.checkClosed(token) ? 1 : 0, null);
            return false;
        }
        BlockIoFile f = files.get(token);
        if (f == null) {
            reply(c, Errno.EBADF.number(), 0, null);
            return false;
        }
        boolean positional = (arg & 1) != 0;
        switch (op) {
            case BlockIoProto.OP_READ -> {
                BlockIoFile.Result r = f.read(count, positional, offset);
                if (r.error() != Errno.NONE) {
                    reply(c, r.error().number(), r.count(), null);
                } else {
                    reply(c, 0, r.count(), java.util.Arrays.copyOf(r.data(), (int) r.count()));
                }
            }
            case BlockIoProto.OP_WRITE -> {
                BlockIoFile.Result r = f.write(body, positional, offset);
                reply(c, r.error().number(), r.count(), null);
            }
            case BlockIoProto.OP_SEEK -> {
                BlockIoFile.Result r = f.seek(offset, arg);
                reply(c, r.error().number(), r.count(), null);
            }
            case BlockIoProto.OP_IOCTL -> {
                IoctlResult r = f.ioctl(arg & 0xffffffffL, body);
                reply(c, r.errno(), 0, r.errno() == 0 ? r.out() : null);
            }
            case BlockIoProto.OP_FSYNC -> reply(c, f.fsync().number(), 0, null);
            default -> reply(c, Errno.EINVAL.number(), 0, null);
        }
        return false;
    }

    /** {@code open(2)} of {@code p} as the program spelled it (namei judges the spelling). */
    private boolean open(SocketChannel c, String p, int fflag, long wanted) throws IOException {
        DiskHandle h;
        reapClosed();
        try {
            h = nodes.open(p);
        } catch (KernelException e) {
            reply(c, e.errno().number(), 0, null);
            return false;
        }
        BlockIoNodes.Node node = nodes.lookup(BlockIoNodes.canonical(p));
        if (node == null) { // opened, so it exists: only a spelling this lookup does not know
            h.close();
            reply(c, Errno.ENOENT.number(), 0, null);
            return false;
        }
        long token = wanted;
        BlockIoFile f = new BlockIoFile(h, node, fflag & (BlockIoProto.FREAD | BlockIoProto.FWRITE));
        if (token != 0) {
            if (files.putIfAbsent(token, f) != null) {
                h.close();
                reply(c, Errno.EEXIST.number(), 0, null);
                return false;
            }
        } else {
            do {
                token = random.nextLong();
            } while (token == 0 || files.putIfAbsent(token, f) != null);
        }
        watcher.watch(c, token);
        try {
            reply(c, 0, token, stat(node)); // non-blocking now: reply() loops until it is all written
        } catch (IOException e) {
            watcher.checkClosed(token);
            release(token, c);
            throw e;
        }
        return true;
    }

    /**
     * Applies every last close that has happened (see {@link BlockIoLifetimes#reapAll}); the
     * daemon calls it before each control request and each open, so the order of a program's
     * exit and the next request is NetBSD's.
     */
    public void reapClosed() {
        watcher.reapAll();
    }

    /** The last close of an open file: its device's close routine; the connection goes. */
    void release(long token, SocketChannel c) {
        BlockIoFile f = files.remove(token);
        if (f != null) {
            f.close();
        }
        clients.remove(c);
        closeQuietly(c);
    }

    /** The open file {@code token}, or null. */
    BlockIoFile file(long token) {
        return files.get(token);
    }

    private static byte[] stat(BlockIoNodes.Node n) {
        return ByteBuffer.allocate(12).putInt(n.type()).putInt((int) n.major()).putInt((int) n.minor()).array();
    }

    private static boolean readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void reply(SocketChannel c, int errno, long value, byte[] payload) throws IOException {
        int n = payload == null ? 0 : payload.length;
        ByteBuffer b = ByteBuffer.allocate(BlockIoProto.REPLY_HEADER + n);
        b.putInt(errno).putInt(n).putLong(value);
        if (payload != null) {
            b.put(payload);
        }
        b.flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /** Stops accepting, removes the socket, disconnects every client and closes its files. */
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
            closeQuietly(c);
        }
        watcher.close();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (BlockIoFile f : files.values()) {
            f.close();
        }
        files.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
