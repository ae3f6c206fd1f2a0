package org.dmemu.dev.disk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A sparse in-memory medium: 64 KiB chunks allocated on first write, in a two-level directory,
 * so {@code mem:1G} costs a few kilobytes until it is written. Unwritten bytes read as zero.
 *
 * <p>Thread safety: chunk pointers are published with release/acquire semantics; allocation
 * takes this object's monitor (only on the first write to a chunk). Concurrent writes to the
 * same bytes are not ordered, as on a real disk.
 *
 * <p>Speed: a transfer that lies inside one chunk (every aligned transfer of up to 64 KiB)
 * takes a straight path: two acquire loads for the chunk, one {@code System.arraycopy}, no
 * loop. Longer or chunk-crossing transfers loop over the chunks.
 *
 * <p>Sparseness (issue 15): {@link #nextData}/{@link #nextHole} report chunks never written as
 * holes; {@link #discard} drops the chunks a range covers whole (they read as zeros and cost no
 * memory again) and zeroes the rest of the range.
 *
 * <p>Differences from NetBSD: a dmemu medium; no NetBSD counterpart (closest: md(4)).
 */
final class MemoryStore implements BackingStore {
    private static final int CHUNK_SHIFT = 16;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int DIR_SHIFT = 10;
    private static final int DIR = 1 << DIR_SHIFT;
    private static final VarHandle DIRS = MethodHandles.arrayElementVarHandle(byte[][][].class);
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(byte[][].class);

    private final long size;
    private final byte[][][] dirs;

    MemoryStore(long size) {
        this.size = size;
        long chunks = (size + CHUNK - 1) >>> CHUNK_SHIFT;
        long ndirs = (chunks + DIR - 1) >>> DIR_SHIFT;
        if (ndirs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("memory disk too large: " + size + " bytes");
        }
        this.dirs = new byte[(int) ndirs][][];
    }

    @Override
    public long size() {
        return size;
    }

    private byte[] chunk(long idx) {
        byte[][] dir = (byte[][]) DIRS.getAcquire(dirs, (int) (idx >>> DIR_SHIFT));
        return dir == null ? null : (byte[]) CHUNKS.getAcquire(dir, (int) (idx & (DIR - 1)));
    }

    private synchronized byte[] allocate(long idx) {
        int d = (int) (idx >>> DIR_SHIFT);
        byte[][] dir = (byte[][]) DIRS.getAcquire(dirs, d);
        if (dir == null) {
            dir = new byte[DIR][];
            DIRS.setRelease(dirs, d, dir);
        }
        byte[] c = (byte[]) CHUNKS.getAcquire(dir, (int) (idx & (DIR - 1)));
        if (c == null) {
            c = new byte[CHUNK];
            CHUNKS.setRelease(dir, (int) (idx & (DIR - 1)), c);
        }
        return c;
    }

    @Override
    public boolean read(long pos, byte[] b, int off, int len) {
        int in = (int) pos & (CHUNK - 1);
        if (in + len <= CHUNK) {
            byte[] c = chunk(pos >>> CHUNK_SHIFT);
            if (c != null) {
                System.arraycopy(c, in, b, off, len);
                return true;
            }
        }
        return readChunks(pos, b, off, len);
    }

    /** The general read: chunk by chunk, unwritten chunks read as zeros. */
    private boolean readChunks(long pos, byte[] b, int off, int len) {
        while (len > 0) {
            long idx = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & (CHUNK - 1));
            int n = Math.min(len, CHUNK - in);
            byte[] c = chunk(idx);
            if (c == null) {
                Arrays.fill(b, off, off + n, (byte) 0);
            } else {
                System.arraycopy(c, in, b, off, n);
            }
            pos += n;
            off += n;
            len -= n;
        }
        return true;
    }

    @Override
    public boolean write(long pos, byte[] b, int off, int len) {
        int in = (int) pos & (CHUNK - 1);
        if (in + len <= CHUNK) {
            byte[] c = chunk(pos >>> CHUNK_SHIFT);
            if (c != null) {
                System.arraycopy(b, off, c, in, len);
                return true;
            }
        }
        return writeChunks(pos, b, off, len);
    }

    /** The general write: chunk by chunk, allocating unwritten chunks. */
    private boolean writeChunks(long pos, byte[] b, int off, int len) {
        while (len > 0) {
            long idx = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & (CHUNK - 1));
            int n = Math.min(len, CHUNK - in);
            byte[] c = chunk(idx);
            if (c == null) {
                c = allocate(idx);
            }
            System.arraycopy(b, off, c, in, n);
            pos += n;
            off += n;
            len -= n;
        }
        return true;
    }

    @Override
    public boolean flush() {
        return true;
    }

    /** The first written chunk at or after {@code pos}: its start (or pos inside it); size if none. */
    @Override
    public long nextData(long pos) {
        long nchunks = (size + CHUNK - 1) >>> CHUNK_SHIFT;
        for (long idx = pos >>> CHUNK_SHIFT; idx < nchunks; idx++) {
            byte[][] dir = (byte[][]) DIRS.getAcquire(dirs, (int) (idx >>> DIR_SHIFT));
            if (dir == null) {
                idx |= DIR - 1; // skip the whole directory
                continue;
            }
            if (CHUNKS.getAcquire(dir, (int) (idx & (DIR - 1))) != null) {
                return Math.min(size, Math.max(pos, idx << CHUNK_SHIFT));
            }
        }
        return size;
    }

    /** The first never-written (or discarded) chunk at or after {@code pos}; size if none. */
    @Override
    public long nextHole(long pos) {
        long nchunks = (size + CHUNK - 1) >>> CHUNK_SHIFT;
        for (long idx = pos >>> CHUNK_SHIFT; idx < nchunks; idx++) {
            if (chunk(idx) == null) {
                return Math.min(size, Math.max(pos, idx << CHUNK_SHIFT));
            }
        }
        return size;
    }

    /**
     * Drops every chunk the range covers whole (it reads as zeros and costs nothing again) and
     * zeroes the covered part of the others.
     */
    @Override
    public org.dmemu.sys.Errno discard(long pos, long len) {
        long end = pos + len;
        while (pos < end) {
            long idx = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & (CHUNK - 1));
            int n = (int) Math.min(end - pos, CHUNK - in);
            if (n == CHUNK) {
                drop(idx);
            } else {
                byte[] c = chunk(idx);
                if (c != null) {
                    Arrays.fill(c, in, in + n, (byte) 0);
                }
            }
            pos += n;
        }
        return org.dmemu.sys.Errno.NONE;
    }

    private synchronized void drop(long idx) {
        byte[][] dir = (byte[][]) DIRS.getAcquire(dirs, (int) (idx >>> DIR_SHIFT));
        if (dir != null) {
            CHUNKS.setRelease(dir, (int) (idx & (DIR - 1)), (byte[]) null);
        }
    }

    /** The number of chunks allocated now (for tests: memory a discard gave back). */
    synchronized long allocatedChunks() {
        long k = 0;
        for (byte[][] dir : dirs) {
            if (dir != null) {
                for (byte[] c : dir) {
                    k += c == null ? 0 : 1;
                }
            }
        }
        return k;
    }

    @Override
    public void close() {
    }
}
