package org.dmemu.serve;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Owner-only Unix-domain listening sockets, for the control socket and the NBD socket.
 *
 * <p>The socket is bound inside a fresh 0700 directory, made 0600, and only then renamed to its
 * final path, so no other user can connect in between (a socket's mode is what {@code connect(2)}
 * checks on Linux).
 *
 * <p>Differences from NetBSD: host-side plumbing of the daemon.
 */
final class UnixSockets {
    private UnixSockets() {
    }

    /** Binds an owner-only listening socket at {@code path} (a stale socket file is replaced). */
    static ServerSocketChannel bindOwnerOnly(Path path) throws IOException {
        removeStale(path);
        Path priv = Files.createTempDirectory(path.getParent(), ".sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmpSock = priv.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmpSock), 64);
            Files.setPosixFilePermissions(tmpSock, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmpSock, path, StandardCopyOption.ATOMIC_MOVE);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmpSock);
            Files.deleteIfExists(priv);
        }
    }

    /** Removes a stale socket file at {@code p}; fails if a server is listening there or it is not a socket. */
    static void removeStale(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            throw new FileAlreadyExistsException(p.toString(), null, "a server is already listening there");
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException deadOrNotASocket) {
            if (!"socket".equals(type(p))) {
                throw new FileAlreadyExistsException(p.toString(), null, "exists and is not a socket");
            }
            Files.delete(p);
        }
    }

    private static String type(Path p) {
        try {
            int mode = ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
            return (mode & 0170000) == 0140000 ? "socket" : "other";
        } catch (IOException | RuntimeException e) {
            return "other";
        }
    }
}
