package org.dmemu.dev.dm.target.snap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * What Linux's dm-snap.c keeps in its {@code _origins} hash: per origin device (by dev_t) the
 * snapshots registered on it, plus, here, the lock that makes a copy-on-write atomic and the
 * exception stores by COW device (so a table reloaded over the same COW device shares the
 * store, as Linux hands exceptions over between snapshots of one COW device).
 *
 * <p><b>Locking.</b> An origin write and a snapshot write take the origin's write lock (the
 * exception map changes and the origin chunk must not move while it is copied); a snapshot read
 * takes the read lock (an origin chunk it reads cannot be overwritten before its copy exists);
 * origin reads take nothing. Activating a snapshot (resume) takes the write lock, so an origin
 * write that started before the snapshot existed finishes before the snapshot's point in time. One registry per kernel, shared by the snapshot-origin and
 * snapshot targets; registration happens under the ioctl lock.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no snapshot target; part of a dmemu extension (--targets snapshot).
 *
 * <p>Differences from Linux: one lock per origin instead of pending exceptions and chunk
 * tracking (writes through snapshot-origin are serialised).
 */
public final class SnapshotRegistry {
    /** One origin device: its snapshots and its lock. */
    public static final class OriginState {
        public final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        public final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    }

    /** One snapshot: origin, COW store, and whether it is active (resumed). */
    public static final class Snapshot {
        public final DmPdev origin;
        public final ExceptionStore store;
        public final OriginState os;
        volatile boolean active;

        Snapshot(DmPdev origin, ExceptionStore store, OriginState os) {
            this.origin = origin;
            this.store = store;
            this.os = os;
        }

        public boolean active() {
            return active;
        }

        /** {@code snapshot_resume}: waits for in-flight origin writes, then joins later ones. */
        public void activate() {
            os.lock.writeLock().lock();
            try {
                active = true;
            } finally {
                os.lock.writeLock().unlock();
            }
        }

        /** The origin size in 512-byte sectors. */
        public long originSectors() {
            return origin.numsec() * (origin.secsize() / Buf.DEV_BSIZE);
        }

        /**
         * Copies origin chunk {@code chunk} to a new COW chunk and records the exception (caller
         * holds the write lock). Returns the new chunk, or -1 after invalidating the snapshot
         * (COW full or I/O error).
         */
        public long copyChunk(long chunk, Trace trace, int depth) {
            long cs = store.chunkSize();
            long n = store.prepare();
            if (n < 0) {
                store.drop();
                if (trace != null) {
                    trace.emit(depth, COW_FULL, store.cow.udevName());
                }
                return -1;
            }
            byte[] tmp = new byte[(int) (cs * Buf.DEV_BSIZE)];
            long start = chunk * cs;
            int len = (int) (Math.min(start + cs, originSectors()) - start) * Buf.DEV_BSIZE;
            Buf b = new Buf().setup(Buf.B_READ, start, tmp, 0, len);
            origin.strategy(b, depth + 1);
            Errno e = b.error() == Errno.NONE && b.resid() > 0 ? Errno.EIO : b.error();
            if (e == Errno.NONE) {
                e = store.cowIo(false, n * cs, tmp, 0, tmp.length);
            }
            if (e == Errno.NONE) {
                e = store.commit(chunk, n);
            }
            if (e != Errno.NONE) {
                store.drop();
                if (trace != null) {
                    trace.emit(depth, COPY_FAILED, e);
                }
                return -1;
            }
            if (trace != null) {
                trace.emit(depth, COPY, chunk, start, start + cs - 1, store.cow.udevName(), n);
            }
            return n;
        }
    }

    private final Map<Long, OriginState> origins = new ConcurrentHashMap<>();
    private final Map<Long, ExceptionStore> stores = new ConcurrentHashMap<>();

    /** The state of origin {@code dev} (created on first use). */
    public OriginState origin(long dev) {
        return origins.computeIfAbsent(dev, d -> new OriginState());
    }

    /** Registers a (not yet active) snapshot of {@code origin} on {@code store}. */
    public Snapshot register(DmPdev origin, ExceptionStore store) {
        OriginState os = origin(origin.dev());
        Snapshot s = new Snapshot(origin, store, os);
        store.users++;
        os.snapshots.add(s);
        return s;
    }

    /** Unregisters {@code s}; drops its store when no snapshot uses it any more. */
    public void unregister(Snapshot s) {
        s.active = false;
        s.os.snapshots.remove(s);
        if (--s.store.users == 0) {
            stores.remove(s.store.cow.dev(), s.store);
        }
    }

    /** The store already open on COW device {@code cowDev}, or null. */
    public ExceptionStore store(long cowDev) {
        return stores.get(cowDev);
    }

    /** Records a newly opened store. */
    public void addStore(ExceptionStore s) {
        stores.put(s.cow.dev(), s);
    }

    // trace points

    private static final TracePoint COW_FULL = TracePoint.of("__invalidate_snapshot",
            "snapshot COW {cow} full: snapshot invalidated");
    private static final TracePoint COPY_FAILED = TracePoint.of("__invalidate_snapshot",
            "snapshot COW copy failed ({error}): snapshot invalidated");
    private static final TracePoint COPY = TracePoint.of("start_copy",
            "copy-on-write: origin chunk {chunk} (sectors {start}-{end}) -> COW {cow} chunk {new_chunk}");
}
