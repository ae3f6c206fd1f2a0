package org.dmemu.serve;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The few POSIX facts {@code dmemu serve} checks on host files before trusting them: the
 * invoking user's uid, a file's owner and mode (without following symlinks), and who holds a
 * lock on a file (from {@code /proc/locks}, as {@code lslocks(8)} reads it).
 *
 * <p>Differences from NetBSD: host-side helpers of the daemon; nothing in NetBSD.
 */
final class HostFiles {
    private HostFiles() {
    }

    /** The invoking user's uid ({@code getuid(2)}). */
    static long uid() {
        return new UnixSystem().getUid();
    }

    static long owner(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /** The permission bits ({@code st_mode & 07777}). */
    static int mode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 07777;
    }

    /**
     * Takes an exclusive lock on the whole file behind {@code ch} ({@code fcntl(F_SETLK)}, which
     * also conflicts with qemu's image locks); returns null when another process, or another
     * daemon in this JVM, holds a conflicting lock.
     */
    static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /**
     * The pid holding a lock on {@code p}, from {@code /proc/locks}; -1 when it cannot be told
     * (no /proc, or the lock was released meanwhile).
     */
    static long lockHolder(Path p) {
        try {
            long ino = ((Number) Files.getAttribute(p, "unix:ino")).longValue();
            long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            String id = String.format("%02x:%02x:%d", major, minor, ino);
            List<String> lines = Files.readAllLines(Path.of("/proc/locks"));
            for (String line : lines) {
                // "1: POSIX  ADVISORY  WRITE 1234 fe:00:5358808 0 EOF" ("->" marks a waiter)
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && !f[1].equals("->") && f[5].equals(id)) {
                    return Long.parseLong(f[4]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** "pid N" for a message, or "another process" when the pid cannot be told. */
    static String holder(Path p) {
        long pid = lockHolder(p);
        if (pid == ProcessHandle.current().pid()) {
            return "this process (pid " + pid + ")";
        }
        return pid > 0 ? "pid " + pid : "another process";
    }
}
