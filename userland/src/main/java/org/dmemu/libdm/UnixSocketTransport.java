package org.dmemu.libdm;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmemu.kern.IoctlResult;

/**
 * libdm's transport to a {@code dmemu serve} control socket (framing in
 * {@link org.dmemu.serve.ControlServer}). Like libdm, which opens {@code /dev/mapper/control}
 * for every task, it connects for every ioctl.
 *
 * <p>Errno on failure (NetBSD numbers): no socket file → ENOENT (2), not allowed → EACCES (13),
 * nobody listening → ECONNREFUSED (61), the stream broken mid-way → EIO (5), the daemon at its
 * connection limit (its busy reply) → EAGAIN (35), with one line on the diagnostic stream that says
 * so, since "Resource temporarily unavailable" alone would not.
 *
 * <p>Differences from NetBSD: a socket stands for the {@code /dev/mapper/control} node.
 */
public final class UnixSocketTransport implements DmTransport {
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EACCES = 13;
    public static final int ECONNREFUSED = 61;
    /** The errno of the daemon's busy reply (ControlServer.BUSY_ERRNO): NetBSD's EAGAIN. */
    public static final int EAGAIN = 35;

    private final Path path;
    private final PrintStream diag;

    public UnixSocketTransport(Path path) {
        this(path, null);
    }

    /** A transport that explains a refusal at the daemon's connection limit on {@code diag}. */
    public UnixSocketTransport(Path path, PrintStream diag) {
        this.path = path;
        this.diag = diag;
    }

    public Path path() {
        return path;
    }

    @Override
    public IoctlResult ioctl(long cmd, byte[] plist) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (ConnectException e) {
            return fail(Files.exists(path) ? ECONNREFUSED : ENOENT);
        } catch (AccessDeniedException e) {
            return fail(EACCES);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                return fail(EACCES);
            }
            return fail(Files.exists(path) ? ECONNREFUSED : ENOENT);
        }
        try (ch) {
            ByteBuffer req = ByteBuffer.allocate(8 + plist.length);
            req.putInt((int) cmd).putInt(plist.length).put(plist).flip();
            try {
                while (req.hasRemaining()) {
                    ch.write(req);
                }
            } catch (IOException e) {
                // A daemon at its limit closes at once; its busy reply may still be waiting below.
            }
            ByteBuffer hdr = ByteBuffer.allocate(8);
            if (!readFully(ch, hdr)) {
                return fail(EIO);
            }
            int errno = hdr.getInt(0);
            int len = hdr.getInt(4);
            if (len < 0 || len > 64 * 1024 * 1024) {
                return fail(EIO);
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            if (!readFully(ch, body)) {
                return fail(EIO);
            }
            if (errno == EAGAIN && len > 0) {
                String why = new String(body.array(), StandardCharsets.US_ASCII);
                if (diag != null) {
                    diag.println("dmemu: " + path + ": the daemon is at its " + why.replace("limit ", "limit (")
                            + " clients); try again when fewer clients are connected");
                }
                return fail(EAGAIN);
            }
            if (req.hasRemaining()) {
                return fail(EIO);
            }
            return new IoctlResult(errno, errno == 0 ? body.array() : new byte[0]);
        } catch (IOException e) {
            return fail(EIO);
        }
    }

    private static IoctlResult fail(int errno) {
        return new IoctlResult(errno, new byte[0]);
    }

    private static boolean readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return false;
            }
        }
        return true;
    }
}
