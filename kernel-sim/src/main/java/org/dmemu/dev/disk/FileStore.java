package org.dmemu.dev.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A medium backed by an existing host image file, read and written in place with positional
 * {@link FileChannel} I/O; {@link #flush()} is {@code FileChannel.force(true)}.
 *
 * <p>The size is the file's size when it is opened. Bytes past the file's current end (it may
 * shrink behind our back) read as zero.
 *
 * <p><b>Interrupts.</b> A disk transfer in NetBSD is not interruptible ({@code biowait} sleeps
 * uninterruptibly). A {@link FileChannel} is: when a thread blocked in (or entering) channel
 * I/O is interrupted, the JDK closes the channel for every thread
 * ({@code ClosedByInterruptException} to the interrupted one, {@code AsynchronousCloseException}
 * to the others). This store therefore treats such a close as transient: it reopens the file
 * (once per close, whoever notices first), clears the caller's interrupt status for the retry,
 * finishes the transfer, and sets the interrupt status again before returning, so the
 * interrupted thread still sees its interrupt — only later. Only {@link #close()} closes the
 * store for good.
 *
 * <p><b>Errors.</b> A real I/O error (the host disk fails, the file cannot be reopened) is
 * reported once per failed call through the log sink given at construction — a line naming the
 * file, the operation, the byte range and the cause — and the call returns false (EIO in the buf).
 *
 * <p><b>Allocation.</b> The channel needs a {@link ByteBuffer}; each thread keeps one wrapping
 * the array it used last, so a caller reusing its buffer allocates nothing per transfer (the
 * last array stays reachable from the thread until it transfers with another one or ends).
 *
 * <p>Sparseness (issue 15, the methods at the end): holes through {@code lseek(SEEK_DATA/
 * SEEK_HOLE)}, discard through {@code fallocate(PUNCH_HOLE)}, both in {@link HostSparse}.
 *
 * <p>Differences from NetBSD: a dmemu medium (NetBSD disks sit on hardware); an I/O error line
 * names the host file and the Java exception rather than {@code diskerr}'s
 * "wd1a: error reading fsbn …".
 */
final class FileStore implements BackingStore {
    /**
     * Reopens one transfer may go through before it gives up: each needs another interrupt
     * (of this or another thread) landing in the middle of a transfer, so only an endless storm
     * of interrupts reaches it.
     */
    private static final int MAX_REOPENS = 10_000;

    private final Path path;
    private final long size;
    private final Consumer<String> log;
    private volatile FileChannel ch;
    private volatile boolean closed;

    /** The calling thread's last array and a buffer wrapping it; its last ByteBuffer and a duplicate. */
    private static final class Wrap {
        byte[] array;
        ByteBuffer bb;
        ByteBuffer src;
        ByteBuffer dup;
    }

    private static final ThreadLocal<Wrap> WRAP = ThreadLocal.withInitial(Wrap::new);

    /**
     * Opens {@code path} for reading and writing.
     *
     * @param log where I/O error lines go (the kernel's message log)
     */
    FileStore(Path path, Consumer<String> log) throws IOException {
        this.path = path;
        this.log = log;
        this.ch = open(path);
        this.size = ch.size();
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** The image file. */
    Path path() {
        return path;
    }

    /** The current channel (tests close it to stand for an interrupt's close). */
    FileChannel channelForTest() {
        return ch;
    }

    @Override
    public long size() {
        return size;
    }

    /** A buffer over {@code b[off, off + len)} (reused while the thread keeps the same array). */
    private static ByteBuffer wrap(byte[] b, int off, int len) {
        Wrap w = WRAP.get();
        ByteBuffer bb = w.bb;
        if (w.array != b) {
            bb = ByteBuffer.wrap(b);
            w.array = b;
            w.bb = bb;
        }
        bb.limit(off + len).position(off);
        return bb;
    }

    /**
     * A view of {@code b[off, off + len)} whose position and limit this store may move (the
     * caller's are left alone); reused while the thread keeps the same buffer.
     */
    private static ByteBuffer view(ByteBuffer b, int off, int len) {
        Wrap w = WRAP.get();
        ByteBuffer d = w.dup;
        if (w.src != b) {
            d = b.duplicate();
            w.src = b;
            w.dup = d;
        }
        d.limit(off + len).position(off);
        return d;
    }

    @Override
    public boolean read(long pos, byte[] b, int off, int len) {
        return transfer(true, pos, wrap(b, off, len), off, len);
    }

    @Override
    public boolean write(long pos, byte[] b, int off, int len) {
        return transfer(false, pos, wrap(b, off, len), off, len);
    }

    /** Straight into (out of) the caller's buffer: for a direct one, no copy in the JVM at all. */
    @Override
    public boolean read(long pos, ByteBuffer b, int off, int len) {
        return transfer(true, pos, view(b, off, len), off, len);
    }

    @Override
    public boolean write(long pos, ByteBuffer b, int off, int len) {
        return transfer(false, pos, view(b, off, len), off, len);
    }

    private boolean transfer(boolean read, long pos, ByteBuffer bb, int off, int len) {
        // a pending interrupt would make the channel close itself as the transfer begins
        boolean interrupted = Thread.interrupted();
        try {
            for (int reopens = 0;; reopens++) {
                FileChannel c = ch;
                try {
                    while (bb.hasRemaining()) {
                        long at = pos + (bb.position() - off);
                        if (read) {
                            if (c.read(bb, at) < 0) {
                                while (bb.hasRemaining()) {
                                    bb.put((byte) 0); // past the end of a file that shrank
                                }
                                break;
                            }
                        } else {
                            c.write(bb, at);
                        }
                    }
                    return true;
                } catch (ClosedChannelException e) {
                    // ClosedByInterruptException and AsynchronousCloseException are kinds of it
                    interrupted |= Thread.interrupted();
                    if (closed || reopens == MAX_REOPENS || !reopen(c)) {
                        return fail((read ? "read" : "write") + " of " + len + " bytes at offset " + pos,
                                closed ? "store closed" : e.toString());
                    }
                } catch (IOException e) {
                    return fail((read ? "read" : "write") + " of " + len + " bytes at offset " + pos, e.toString());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Replaces the channel {@code dead} (closed by an interrupt) with a fresh one, unless another
     * thread already did. False if the file cannot be reopened (logged by the caller).
     */
    private synchronized boolean reopen(FileChannel dead) {
        if (closed) {
            return false;
        }
        if (ch != dead) {
            return true;
        }
        try {
            ch = open(path);
            return true;
        } catch (IOException e) {
            log.accept("dmemu: " + path + ": reopen after an interrupt failed: " + e);
            return false;
        }
    }

    /** Logs "FILE: WHAT failed: CAUSE" and answers false (built only on this error path). */
    private boolean fail(String what, String cause) {
        log.accept("dmemu: " + path + ": " + what + " failed: " + cause);
        return false;
    }

    @Override
    public boolean flush() {
        boolean interrupted = Thread.interrupted();
        try {
            for (int reopens = 0;; reopens++) {
                FileChannel c = ch;
                try {
                    c.force(true);
                    return true;
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    if (closed || reopens == MAX_REOPENS || !reopen(c)) {
                        return fail("sync (fsync)", closed ? "store closed" : e.toString());
                    }
                } catch (IOException e) {
                    return fail("sync (fsync)", e.toString());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- sparseness (issue 15): SEEK_DATA/SEEK_HOLE and hole punching through HostSparse ----

    /**
     * The native descriptor for the sparseness calls, opened on first use and kept until
     * {@link #close()} (-1: not open or it failed). Kept, not opened per call: closing any
     * descriptor of a file drops every POSIX lock this process holds on it ({@code fcntl(2)}),
     * and {@code dmemu serve} locks its images that way for its whole life.
     */
    private int sparseFd = -1;

    private synchronized int sparseFd() {
        if (sparseFd < 0 && !closed) {
            sparseFd = HostSparse.open(path);
        }
        return sparseFd;
    }

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
        int fd = sparseFd();
        if (fd < 0) {
            return -1;
        }
        long r = HostSparse.seek(fd, pos, data);
        if (r == -HostSparse.LINUX_ENXIO) {
            return size; // past the last data (or the file shrank)
        }
        return r < 0 ? -1 : Math.min(r, size);
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
        int fd = sparseFd();
        if (fd < 0) {
            return org.dmemu.sys.Errno.EIO;
        }
        int e = HostSparse.punch(fd, pos, len);
        if (e == 0) {
            return org.dmemu.sys.Errno.NONE;
        }
        return e == 95 || e == 38 ? org.dmemu.sys.Errno.ENODEV : org.dmemu.sys.Errno.EIO; // EOPNOTSUPP, ENOSYS
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (sparseFd >= 0) {
            HostSparse.close(sparseFd);
            sparseFd = -1;
        }
        try {
            ch.close();
        } catch (IOException e) {
            log.accept("dmemu: " + path + ": close failed: " + e);
        }
    }
}
