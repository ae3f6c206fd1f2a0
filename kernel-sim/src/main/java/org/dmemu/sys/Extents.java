package org.dmemu.sys;

import java.util.Arrays;

/**
 * The answer of a block-status query: consecutive runs (extents) of bytes, each with its state
 * flags, from the start of the range asked about. Adjacent runs with the same flags merge. A
 * query may stop early (the store could not tell, the table has a gap, or {@link #full()}):
 * {@link #total()} says how far the answer reaches.
 *
 * <p>The flags are those of the NBD {@code base:allocation} context, which is what the
 * emulator's NBD server reports: {@link #DATA} (0) = allocated, reads return what was written;
 * {@link #HOLE} = not allocated; {@link #ZERO} = reads return zeros.
 *
 * <p>Differences from NetBSD: NetBSD has no block-status query (its disks have no such entry
 * point); a dmemu extension for the NBD server's {@code NBD_CMD_BLOCK_STATUS}.
 */
public final class Extents {
    /** Allocated data. */
    public static final int DATA = 0;
    /** Not allocated (a hole in the medium). */
    public static final int HOLE = 1;
    /** Reads as zeros. */
    public static final int ZERO = 2;

    private final int limit;
    private long[] lengths = new long[8];
    private int[] flags = new int[8];
    private int n;
    private long total;
    /** Set when an extent did not fit: nothing more is added (the answer must stay a prefix). */
    private boolean stopped;

    /** An empty answer that accepts up to {@code limit} extents. */
    public Extents(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** Appends {@code bytes} bytes with {@code state}, merging with the last run if equal. */
    public void add(long bytes, int state) {
        if (bytes <= 0 || stopped) {
            return;
        }
        if (n > 0 && flags[n - 1] == state) {
            lengths[n - 1] += bytes;
        } else {
            if (n == limit) {
                stopped = true;
                return;
            }
            if (n == lengths.length) {
                lengths = Arrays.copyOf(lengths, n * 2);
                flags = Arrays.copyOf(flags, n * 2);
            }
            lengths[n] = bytes;
            flags[n] = state;
            n++;
        }
        total += bytes;
    }

    /** True when no further distinct extent fits: walkers stop. */
    public boolean full() {
        return n == limit;
    }

    /** True once an extent was refused for lack of room: the answer ends early. */
    public boolean stopped() {
        return stopped;
    }

    public int count() {
        return n;
    }

    public long length(int i) {
        return lengths[i];
    }

    public int flags(int i) {
        return flags[i];
    }

    /** Σ lengths. */
    public long total() {
        return total;
    }

    /** Forgets every extent. */
    public void clear() {
        n = 0;
        total = 0;
        stopped = false;
    }

    /**
     * Drops the first {@code head} bytes and cuts the answer at {@code max} bytes after them
     * (to go from a sector-aligned answer to a byte range).
     */
    public void clip(long head, long max) {
        int w = 0;
        long t = 0;
        for (int i = 0; i < n && t < max; i++) {
            long len = lengths[i];
            if (head >= len) {
                head -= len;
                continue;
            }
            len -= head;
            head = 0;
            len = Math.min(len, max - t);
            lengths[w] = len;
            flags[w] = flags[i];
            w++;
            t += len;
        }
        n = w;
        total = t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(lengths[i]).append(':').append(flags[i]);
        }
        return sb.append(']').toString();
    }
}
