package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One table slot of a {@link DmTableHead} ({@code struct dm_table}, an SLIST of entries in
 * dm_table.c), plus what the emulator needs to read it fast and safely.
 *
 * <p><b>Lookup.</b> NetBSD's {@code dmstrategy} walks every entry of the active table for
 * every buf. When a table becomes active, {@link #freeze()} checks whether its entries are in
 * ascending order and disjoint ({@code start[i] + length[i] <= start[i+1]}) and small enough
 * that byte offsets cannot overflow. If so, {@link DeviceMapper#dmstrategy} finds the first
 * entry touching the buf by binary search over {@link #ends} and visits only the entries the
 * buf overlaps: lookup cost grows with log(entries), flat up to 10,000 entries and beyond.
 * Otherwise (overlapping, unsorted, or near-2^64 values) it walks the list like NetBSD, with
 * NetBSD's exact uint64 arithmetic, so double issue and wrap-around behave as in C.
 * Either way the entries visited and their order are the same as NetBSD's.
 *
 * <p><b>Readers.</b> {@code io_cnt} is kept per table object in 16 counters, one cache line
 * apart, chosen by thread id, so that two threads reading the same device do not bounce one
 * cache line (see {@link DmTableHead} for the protocol).
 *
 * <p>Differences from NetBSD: the lookup arrays and striped reader counters are dmemu's (see above); the entry list is NetBSD's.
 */
public final class DmTable {
    private static final int STRIPES = 16;
    private static final int PAD = 16;

    final ArrayList<DmTableEntry> entries = new ArrayList<>();
    private final AtomicLongArray readers = new AtomicLongArray(STRIPES * PAD);

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

    static int stripe() {
        return (int) Thread.currentThread().getId() & (STRIPES - 1);
    }

    void enter(int stripe) {
        readers.getAndIncrement(stripe * PAD);
    }

    void exit(int stripe) {
        readers.getAndDecrement(stripe * PAD);
    }

    /** The number of readers inside this table now ({@code io_cnt}). */
    long readers() {
        long n = 0;
        for (int i = 0; i < STRIPES; i++) {
            n += readers.get(i * PAD);
        }
        return n;
    }

    /** Waits until no reader is inside ({@code cv_wait} on {@code table_cv} until io_cnt == 0). */
    void awaitDrained() {
        int spins = 0;
        while (readers() != 0) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 200) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
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
