package org.dmemu.dev.dm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One table slot of a {@link DmTableHead} ({@code struct dm_table}, an SLIST of entries in
 * dm_table.c), plus what the emulator needs to read it fast and safely.
 *
 * <p><b>Lookup.</b> NetBSD's {@code dmstrategy} walks every entry of the active table for
 * every buf. When a table becomes active, {@link #freeze()} checks whether its entries are in
 * ascending order and disjoint ({@code start[i] + length[i] <= start[i+1]}) and small enough
 * that byte offsets cannot overflow. If so, {@link DeviceMapper#dmstrategy} finds the first
 * entry touching the buf by binary search over {@link #ends} and visits only the entries the
 * buf overlaps: lookup cost grows with log(entries). Before searching, it checks the entry the
 * same thread found last time (a per-thread hint in its {@link DmReaders.Slot}), so repeated or
 * sequential I/O finds its entry in O(1) whatever the table size.
 * Otherwise (overlapping, unsorted, or near-2^64 values) it walks the list like NetBSD, with
 * NetBSD's exact uint64 arithmetic, so double issue and wrap-around behave as in C.
 * Either way the entries visited and their order are the same as NetBSD's.
 *
 * <p><b>Readers.</b> NetBSD's {@code io_cnt} is a counter under a mutex. Here every thread that
 * runs dmstrategy owns a {@link DmReaders.Slot} (a hazard pointer) naming the table it is inside,
 * or null; a table's reader count is the number of slots naming it. Entering costs one volatile
 * store to a slot no other thread writes, leaving one release store: no shared counter, no
 * lock, no read-modify-write on the I/O path (see {@link DmTableHead} for the protocol).
 */
public final class DmTable {
    private static final AtomicLong IDS = new AtomicLong();

    /** A number naming this table in reader slots (a long, not a reference: no GC barrier). */
    final long id = IDS.incrementAndGet();
    final ArrayList<DmTableEntry> entries = new ArrayList<>();

    /** Frozen view, valid once {@link #freeze()} ran. */
    DmTableEntry[] array = new DmTableEntry[0];
    long[] ends = new long[0];
    boolean fast;
    /** {@code dm_table_size}: Σ length (uint64, wraps as in C). */
    long size;

    /** The entries in list order. */
    public List<DmTableEntry> entries() {
        return entries;
    }

    /** Builds the lookup arrays; called before the table is published as active. */
    void freeze() {
        DmTableEntry[] a = entries.toArray(new DmTableEntry[0]);
        long[] e = new long[a.length];
        boolean sorted = true;
        long sum = 0;
        long prevEnd = 0;
        for (int i = 0; i < a.length; i++) {
            long s = a[i].start;
            long l = a[i].length;
            sum += l;
            // all values below 2^53 sectors, so that byte offsets (x 512) stay below 2^62
            if (s < 0 || l < 0 || s >= (1L << 53) || l >= (1L << 53) || s < prevEnd) {
                sorted = false;
            }
            e[i] = s + l;
            prevEnd = e[i];
        }
        this.array = a;
        this.ends = e;
        this.size = sum;
        this.fast = sorted && (sum >= 0 && sum < (1L << 53));
    }

    /** Σ length over the entries (the live list; for ioctls). */
    long sizeNow() {
        long sum = 0;
        for (DmTableEntry en : entries) {
            sum += en.length;
        }
        return sum;
    }

    private static final VarHandle READING;

    static {
        try {
            READING = MethodHandles.lookup().findVarHandle(DmReaders.Slot.class, "reading", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks the slot as inside this table (a volatile store: ordered before the re-check). */
    void enter(DmReaders.Slot r) {
        r.reading = id;
    }

    /** Leaves the table (a release store: the reads done inside happen-before a writer's scan). */
    static void exit(DmReaders.Slot r) {
        READING.setRelease(r, 0L);
    }

    /**
     * The first index whose end (in sectors) is greater than {@code blkno}, trying the entry the
     * thread's previous lookup found (and the one after it, for sequential I/O) before the
     * binary search. The hint is only a guess: it is used only after checking, against this
     * table's own {@link #ends}, that it is the answer ({@code ends[i-1] <= blkno < ends[i]}),
     * so a hint left over from another table or device is harmless. A thread reading one
     * region, or reading sequentially, pays two or three compares instead of ~log2(n)
     * dependent, unpredictable probes: the lookup stays flat at 10,000 entries.
     */
    int firstEndingAfter(DmReaders.Slot r, long blkno) {
        long[] e = ends;
        int i = r.hint;
        if (i < e.length && e[i] > blkno) {
            if (i == 0 || e[i - 1] <= blkno) {
                return i;
            }
        } else if (i + 1 < e.length && e[i + 1] > blkno && e[i] <= blkno) {
            r.hint = i + 1;
            return i + 1;
        }
        int found = firstEndingAfter(blkno);
        r.hint = found;
        return found;
    }

    /** {@code binary search}: the first index whose end (in sectors) is greater than {@code blkno}. */
    int firstEndingAfter(long blkno) {
        long[] e = ends;
        int lo = 0;
        int hi = e.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (e[mid] > blkno) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
