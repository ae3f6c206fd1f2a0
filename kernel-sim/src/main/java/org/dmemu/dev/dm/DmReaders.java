package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.dmemu.dev.dm.target.DmTarget;
import org.dmemu.sys.Buf;

/**
 * The reader slots of one emulated kernel (one per thread that has run {@code dmstrategy} on
 * it), the retired tables still waiting for their readers, and the waiting itself: what
 * NetBSD's {@code io_cnt}, {@code table_cv} and {@code dm_table_release} do, spread over
 * per-thread hazard slots (see {@link DmTableHead} for the protocol).
 *
 * <p><b>Slots are reused.</b> A thread's slot is registered at its first I/O on this kernel;
 * when a new thread registers, it adopts the slots of a thread that has ended (their nested bufs
 * emptied, so no data array of a dead thread stays reachable), and only appends a slot when
 * every owner is alive. The slot list is therefore as long as the largest number of threads
 * that were alive at once, however many short-lived threads (one per NBD connection) come and
 * go (issue 16 point 5). Writers that wait also empty the bufs of slots whose thread ended.
 *
 * <p><b>Waiting without the kernel lock.</b> A table that stops being reachable (a switch, a
 * remove, a reload replacing the inactive table) is {@link #retire retired}: destroyed at once
 * if no reader is inside it, otherwise queued; the ioctl path drains the queue after it has
 * released the kernel's ioctl lock ({@link #drainRetired}), waits for the table's own readers,
 * and only then takes the lock again to run the destroy hooks. A slow device therefore delays
 * only the ioctl that retired its table, as NetBSD's per-device {@code table_cv} wait does
 * (issue 16 point 4).
 *
 * <p>Differences from NetBSD: hazard slots instead of a counter under a mutex (no shared write
 * on the I/O path); a switch publishes the new table before the old one drains, instead of
 * blocking the flip (same observable results).
 */
public final class DmReaders {
    /**
     * One thread's slot: the table it is reading now ({@link DmTable#id}, 0 outside
     * dmstrategy), the two nested bufs dmstrategy reuses, and its lookup hint. Padded so that
     * two threads' slots never share a cache line.
     */
    static final class Slot {
        long p0, p1, p2, p3, p4, p5, p6;
        /** The {@link DmTable#id} of the table this thread is inside, 0 outside. */
        volatile long reading;
        long q0, q1, q2, q3, q4, q5, q6;
        final DmReaders registry;
        /** The thread using this slot; changes only when a new thread adopts a dead one's slot. */
        volatile Thread owner;
        final Buf nb = new Buf();
        final Buf scratch = new Buf();
        /** The index of the entry this thread's last lookup found (thread-private). */
        int hint;
        /**
         * Nesting level: 0 for the thread's own slot; a stacked dm device's dmstrategy, called
         * from inside an upper device's, uses the slot one level {@link #below} (its own hazard
         * slot and bufs, so the upper table stays protected while the lower one is read).
         */
        final int level;
        /** The slot one level down, created on first use (same owner). */
        private Slot below;

        Slot(DmReaders registry, Thread owner, int level) {
            this.registry = registry;
            this.owner = owner;
            this.level = level;
        }

        /** The slot one nesting level down (registered on first use, same thread). */
        Slot below() {
            Slot b = below;
            if (b == null) {
                b = registry.registerBelow(this);
                below = b;
            }
            return b;
        }

        /** Drops the references to the last thread's data arrays. */
        void clearBufs() {
            nb.setup(0, 0, (byte[]) null, 0, 0);
            scratch.setup(0, 0, (byte[]) null, 0, 0);
            nb.setPriv(null);
            scratch.setPriv(null);
            hint = 0;
        }
    }

    /** A table retired while readers were inside it, with the list its destroy hooks release into. */
    private record Retired(DmTable table, DmPdevList pdevs) {
    }

    private volatile Slot[] slots = new Slot[0];
    private final ThreadLocal<Slot> mine = ThreadLocal.withInitial(this::register);
    /**
     * The tables each thread's handlers retired while readers were inside them; drained by the
     * same thread's ioctl after it released the lock (never by another ioctl, which would
     * then wait for a device it does not touch).
     */
    private final ThreadLocal<List<Retired>> retired = ThreadLocal.withInitial(ArrayList::new);

    /**
     * The calling thread's free slot, found in {@code b_private} of a reused buf when it is
     * there. A slot already inside a table belongs to an outer dmstrategy on this thread (a
     * stacked device): the first free slot below it is used. Null past
     * {@link DeviceMapper#MAX_STACK} levels.
     */
    Slot current(Buf bp) {
        if (bp.priv() instanceof Slot r && r.owner == Thread.currentThread() && r.registry == this && r.reading == 0) {
            return r;
        }
        Slot r = free();
        if (r != null) {
            bp.setPriv(r);
        }
        return r;
    }

    /** The calling thread's first slot not inside a table, or null past {@link DeviceMapper#MAX_STACK} levels. */
    Slot free() {
        Slot r = mine.get();
        while (r.reading != 0) {
            if (r.level >= DeviceMapper.MAX_STACK) {
                return null;
            }
            r = r.below();
        }
        return r;
    }

    /** A new thread's level-0 slot: a dead thread's chain of slots if there is one, else a new one. */
    private synchronized Slot register() {
        Thread me = Thread.currentThread();
        for (Slot s : slots) {
            if (s.level == 0 && !s.owner.isAlive() && s.reading == 0) {
                for (Slot x = s; x != null; x = x.below) {
                    x.clearBufs();
                    x.owner = me; // volatile: publishes the emptied bufs to the new owner
                }
                return s;
            }
        }
        return add(new Slot(this, me, 0));
    }

    private synchronized Slot registerBelow(Slot upper) {
        return add(new Slot(this, upper.owner, upper.level + 1));
    }

    private Slot add(Slot s) {
        Slot[] a = Arrays.copyOf(slots, slots.length + 1);
        a[a.length - 1] = s;
        slots = a;
        return s;
    }

    /** The number of slots (tests: bounded by the threads alive at once). */
    int slotCount() {
        return slots.length;
    }

    /** The number of threads inside table {@code id} now ({@code io_cnt}: a scan of the slots). */
    long readers(long id) {
        long n = 0;
        for (Slot r : slots) {
            if (r.reading == id) {
                n++;
            }
        }
        return n;
    }

    /** Waits until no thread is inside table {@code id} ({@code cv_wait} on {@code table_cv}). */
    void awaitDrained(long id) {
        for (Slot r : slots) {
            int spins = 0;
            while (r.reading == id) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else if (spins < 200) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
        releaseDeadBufs();
    }

    /** Empties the bufs of slots whose thread ended (their last data arrays become garbage). */
    private synchronized void releaseDeadBufs() {
        for (Slot s : slots) {
            if (!s.owner.isAlive() && s.reading == 0) {
                s.clearBufs();
            }
        }
    }

    /**
     * {@code dm_table_destroy} of a table no longer reachable from its device (caller holds the
     * kernel's ioctl lock): the destroy hooks run now if no reader is inside it, else once it has
     * drained, in {@link #drainRetired}.
     */
    void retire(DmTable t, DmPdevList pdevs) {
        if (t.entries.isEmpty()) {
            return;
        }
        if (readers(t.id) == 0) {
            destroyEntries(t, pdevs);
        } else {
            retired.get().add(new Retired(t, pdevs));
        }
    }

    /**
     * Waits, without holding {@code lock}, for the readers of every table the calling thread's
     * handlers retired, then runs their destroy hooks under it. Called by the ioctl path after
     * it released the lock.
     */
    void drainRetired(Object lock) {
        List<Retired> mine = retired.get();
        if (mine.isEmpty()) {
            return;
        }
        List<Retired> todo = new ArrayList<>(mine);
        mine.clear();
        for (Retired r : todo) {
            awaitDrained(r.table.id);
        }
        synchronized (lock) {
            for (Retired r : todo) {
                destroyEntries(r.table, r.pdevs);
            }
        }
    }

    private static void destroyEntries(DmTable t, DmPdevList pdevs) {
        for (DmTableEntry en : t.entries) {
            DmTarget target = en.target;
            target.destroy(pdevs, en);
        }
        t.entries.clear();
    }
}
