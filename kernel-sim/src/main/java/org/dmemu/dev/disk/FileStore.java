package org.dmemu.dev.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A medium backed by an existing host image file, read and written in place with positional
 * {@link FileChannel} I/O; {@link #flush()} is {@code FileChannel.force(true)}.
 *
 * <p>The size is the file's size when it is opened. Bytes past the file's current end (it may
 * shrink behind our back) read as zero.
 *
 * <p>Sparseness (issue 15, the methods at the end): holes through {@code lseek(SEEK_DATA/
 * SEEK_HOLE)}, discard through {@code fallocate(PUNCH_HOLE)}, both in {@link HostSparse}.
 *
 * <p>Differences from a real disk: each transfer wraps the caller's array in a heap
 * {@link ByteBuffer} view (one small allocation per call; the JDK's channel API requires it).
 */
final class FileStore implements BackingStore {
    private final FileChannel ch;
    private final long size;

    FileStore(Path path) throws IOException {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.size = ch.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean read(long pos, byte[] b, int off, int len) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        try {
            while (bb.hasRemaining()) {
                int n = ch.read(bb, pos + (bb.position() - off));
                if (n < 0) {
                    Arrays.fill(b, bb.position(), off + len, (byte) 0);
                    break;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean write(long pos, byte[] b, int off, int len) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        try {
            while (bb.hasRemaining()) {
                ch.write(bb, pos + (bb.position() - off));
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean flush() {
        try {
            ch.force(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- sparseness (issue 15): SEEK_DATA/SEEK_HOLE and hole punching through HostSparse ----

    /** The image's path, for {@link HostSparse}, which opens its own descriptor per call. */
    private final Path path;

    /**
     * {@code lseek(SEEK_DATA)} on the image: the next offset with data, {@link #size()} when none
     * (ENXIO), −1 when it cannot tell (no native library, the call failed).
     */
    @Override
    public long nextData(long pos) {
        return seek(pos, true);
    }

    /** {@code lseek(SEEK_HOLE)} on the image; as {@link #nextData}. */
    @Override
    public long nextHole(long pos) {
        return seek(pos, false);
    }

    private long seek(long pos, boolean data) {
        if (!HostSparse.available()) {
            return data ? pos : size;
        }
        int fd = HostSparse.open(path);
        if (fd < 0) {
            return -1;
        }
        try {
            long r = HostSparse.seek(fd, pos, data);
            if (r == -HostSparse.LINUX_ENXIO) {
                return size; // past the last data (or the file shrank)
            }
            return r < 0 ? -1 : Math.min(r, size);
        } finally {
            HostSparse.close(fd);
        }
    }

    /**
     * {@code fallocate(PUNCH_HOLE|KEEP_SIZE)}: the range reads as zeros, whole file-system blocks
     * are freed. ENODEV without the native library or where the file system cannot punch
     * (EOPNOTSUPP); EIO on another failure.
     */
    @Override
    public org.dmemu.sys.Errno discard(long pos, long len) {
        if (!HostSparse.available()) {
            return org.dmemu.sys.Errno.ENODEV;
        }
        int fd = HostSparse.open(path);
        if (fd < 0) {
            return org.dmemu.sys.Errno.EIO;
        }
        try {
            int e = HostSparse.punch(fd, pos, len);
            if (e == 0) {
                return org.dmemu.sys.Errno.NONE;
            }
            return e == 95 || e == 38 ? org.dmemu.sys.Errno.ENODEV : org.dmemu.sys.Errno.EIO; // EOPNOTSUPP, ENOSYS
        } finally {
            HostSparse.close(fd);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do: the kernel is shutting down
        }
    }
}
