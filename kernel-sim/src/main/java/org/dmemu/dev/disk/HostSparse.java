package org.dmemu.dev.disk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The host calls an image file needs for sparseness and Java 17 lacks: {@code lseek(2)} with
 * {@code SEEK_DATA}/{@code SEEK_HOLE} and {@code fallocate(2)} with
 * {@code FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}. They live in a small JNI library,
 * {@code libdmemusparse.so} (kernel-sim/src/main/c/sparse.c), built with the module when a C
 * compiler is present and shipped as a resource; it is copied into an owner-only temporary
 * directory and loaded on first use.
 *
 * <p>Why not something else: the JDK's {@code FileChannel} has no hole query; reading the file
 * to find zeros costs a full read and cannot tell a hole from written zeros; {@code FIEMAP}
 * (through {@code filefrag}) is not answered by every file system (tmpfs) and reports
 * delayed-allocation extents oddly; /proc has no extent map. {@code SEEK_DATA}/{@code SEEK_HOLE}
 * is what {@code cp --sparse}, qemu and nbdkit use. Where the library is missing (no compiler
 * at build time, another OS) or {@code -Ddmemu.sparse=off} is set, {@link #available()} is
 * false and image files answer as all data and are never punched: the safe answers.
 *
 * <p>Differences from NetBSD: host plumbing, no NetBSD counterpart.
 */
final class HostSparse {
    private static final boolean AVAILABLE = load();

    private HostSparse() {
    }

    /** True when the native library is loaded. */
    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        if ("off".equals(System.getProperty("dmemu.sparse"))) {
            return false;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        String res = "native/" + os + "-" + arch + "/libdmemusparse.so";
        try (InputStream in = HostSparse.class.getResourceAsStream(res)) {
            if (in == null) {
                return false;
            }
            Path dir = Files.createTempDirectory("dmemu-native",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path lib = dir.resolve("libdmemusparse.so");
            try {
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
                System.load(lib.toAbsolutePath().toString());
            } finally {
                Files.deleteIfExists(lib);
                Files.deleteIfExists(dir);
            }
            return true;
        } catch (IOException | UnsupportedOperationException | UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }

    /** Opens {@code path} read-write; the descriptor, or −errno. */
    static int open(Path path) {
        return open0(path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code lseek(fd, pos, SEEK_DATA or SEEK_HOLE)}: the offset, or −errno (−ENXIO: none past pos). */
    static long seek(int fd, long pos, boolean data) {
        return seek0(fd, pos, data);
    }

    /** {@code fallocate(fd, PUNCH_HOLE|KEEP_SIZE, pos, len)}: 0, or the Linux errno. */
    static int punch(int fd, long pos, long len) {
        return punch0(fd, pos, len);
    }

    static void close(int fd) {
        close0(fd);
    }

    /** Linux {@code ENXIO}: no data (or hole) at or after the offset. */
    static final int LINUX_ENXIO = 6;

    private static native int open0(byte[] path);

    private static native long seek0(int fd, long pos, boolean data);

    private static native int punch0(int fd, long pos, long len);

    private static native int close0(int fd);
}
