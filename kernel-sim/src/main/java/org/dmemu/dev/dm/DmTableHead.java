package org.dmemu.dev.dm;

/**
 * Emulates {@code struct dm_table_head} and sys/dev/dm/dm_table.c: the active and inactive
 * table slots of a device, {@code dm_table_switch_tables}, {@code dm_table_destroy},
 * {@code dm_table_size}, {@code dm_table_disksize}, {@code dm_table_get_target_count}.
 *
 * <p><b>Concurrency (why this design).</b> NetBSD counts table readers in {@code io_cnt} under
 * {@code table_mtx}; writers sleep until it is 0. A shared counter or lock on every I/O would
 * make two threads reading the same device fight for one cache line, so here the active table
 * is a {@code volatile} reference and readers announce themselves in per-thread hazard slots
 * ({@link DmReaders.Slot}). A reader (strategy) stores the table it is about to use into its own
 * slot, then re-reads the active reference; if the table was switched meanwhile it retries. A
 * writer (switch, remove) publishes the new reference first and then waits until no slot names
 * the old table. Both sides use sequentially consistent accesses (Dekker style), so either the
 * reader sees the new table or the writer sees the reader. Nothing blocks readers (NetBSD has
 * no writer preference either); the uncontended read path costs one volatile store and one
 * release store to a thread-private cache line, no lock and no atomic read-modify-write. Ioctls
 * (the only writers) are serialised by the kernel's ioctl lock, and the inactive table is only
 * touched by ioctls.
 *
 * <p>Writers never wait while holding the kernel's ioctl lock: a table taken out of use is
 * retired to the kernel's {@link DmReaders}, which runs its destroy hooks once its readers have
 * left, after the ioctl released the lock (NetBSD also waits per device, on the table head's
 * {@code table_cv}, not under {@code dm_dev_mutex}).
 *
 * <p>Differences from NetBSD: in-flight I/O that started before a switch finishes on the old
 * table, I/O starting after the switch is published uses the new one; NetBSD blocks the flip
 * until in-flight readers leave, with the same observable result.
 */
public final class DmTableHead {
    private final DmReaders readers;
    private volatile DmTable active = new DmTable();
    private DmTable inactive = new DmTable();
    /** {@code cur_active_table}: 0 or 1, flipped by every switch. */
    private int curActive;

    /** The calling thread's free reader slot of this head's registry (null past MAX_STACK levels). */
    DmReaders.Slot freeSlot() {
        return readers.free();
    }

    /** A table head whose readers register in {@code readers} (the kernel's). */
    public DmTableHead(DmReaders readers) {
        this.readers = readers;
        active.freeze();
    }

    /** The active table for an I/O reader: {@code dm_table_get_entry(ACTIVE)} + io_cnt++. */
    DmTable acquireActive(DmReaders.Slot r) {
        for (;;) {
            DmTable t = active;
            t.enter(r);
            if (t == active) {
                return t;
            }
        }
    }

    /** {@code dm_table_release}. */
    static void release(DmReaders.Slot r) {
        DmTable.exit(r);
    }

    /** The active table (ioctl side, under the ioctl lock). */
    public DmTable active() {
        return active;
    }

    /** The inactive table (ioctl side). */
    public DmTable inactive() {
        return inactive;
    }

    /** {@code cur_active_table}. */
    public int curActive() {
        return curActive;
    }

    /**
     * {@code io_cnt}: the readers inside the active table now, counted by scanning the reader
     * slots (there is no counter to read).
     */
    public long readerCount() {
        return readers.readers(active.id);
    }

    /**
     * {@code dm_table_switch_tables}: the inactive slot becomes active and the old active table
     * becomes the inactive one. Does not wait: the old table's readers are waited for when it is
     * destroyed ({@link #destroyInactive}), outside the kernel lock.
     */
    public void switchTables() {
        DmTable next = inactive;
        next.freeze();
        DmTable prev = active;
        active = next;
        inactive = prev;
        curActive = 1 - curActive;
    }

    /**
     * {@code dm_table_destroy(head, DM_TABLE_INACTIVE)}: empties the slot; the destroy hooks run
     * once no reader is inside the old table (at once if none is).
     */
    public void destroyInactive(DmPdevList pdevs) {
        DmTable t = inactive;
        inactive = new DmTable();
        readers.retire(t, pdevs);
    }

    /**
     * {@code dm_table_destroy(head, DM_TABLE_ACTIVE)}: unpublishes the active table; its destroy
     * hooks run once its readers have left (at once if none is inside).
     */
    public void destroyActive(DmPdevList pdevs) {
        DmTable empty = new DmTable();
        empty.freeze();
        DmTable prev = active;
        active = empty;
        readers.retire(prev, pdevs);
    }

    /** {@code dm_table_get_target_count}. */
    public int count(boolean inactiveSlot) {
        return (inactiveSlot ? inactive : active).entries.size();
    }

    /** {@code dm_table_size}: Σ length of the active entries. */
    public long size() {
        return active.sizeNow();
    }

    /**
     * {@code dm_table_disksize}: {secsize, numsec} of the active table: secsize = max of the
     * targets' secsize hooks (0 without), numsec = Σ length × 512 / secsize (0 if secsize is 0).
     */
    public long[] disksize() {
        long secsize = 0;
        long len = 0;
        for (DmTableEntry en : active.entries) {
            secsize = Math.max(secsize, en.target.secsize(en) & 0xffffffffL);
            len += en.length;
        }
        long numsec = secsize > 0 ? Long.divideUnsigned(len * 512, secsize) : 0;
        return new long[] {secsize, numsec};
    }
}
