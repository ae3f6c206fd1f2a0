package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.dev.dm.target.snap.ExceptionStore;
import org.dmemu.dev.dm.target.snap.PersistentStore;
import org.dmemu.dev.dm.target.snap.SnapshotRegistry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The {@code snapshot} target of Linux's drivers/md/dm-snap.c ({@code snapshot_ctr},
 * {@code snapshot_map}, {@code snapshot_resume}, {@code snapshot_status}) with the exception
 * stores of dm-exception-store.c, version 1.16.0:
 * {@code snapshot ORIGIN COW P|N CHUNKSIZE}.
 *
 * <p>A read of a chunk the snapshot has an exception for comes from the COW device, any other
 * read from ORIGIN; a write allocates an exception (copying the origin chunk first) and goes
 * to the COW device. The snapshot takes part in origin writes ({@link DmTargetSnapshotOrigin})
 * once it is resumed. When the COW device is full the snapshot becomes invalid: its I/O fails
 * with EIO, status {@code Invalid}, the origin keeps working. {@code P} keeps the exceptions on
 * the COW device in Linux's layout ({@link PersistentStore}): reloading the same table, even in
 * a new daemon, gives the same data.
 *
 * <p>Status {@code <sectors_allocated>/<total_sectors> <metadata_sectors>} or {@code Invalid};
 * table {@code <origin> <cow> P|N <chunk_size>} with devices as {@code major:minor}.
 *
 * <p>Differences from NetBSD: NetBSD 10's dm_target_snapshot.c is a stub that is not built;
 * dmemu extension present with {@code --targets snapshot}. Differences from Linux: a missing
 * device gives ENOENT; no optional features (discard_zeroes_cow, discard_passdown_origin:
 * "Unrecognised feature requested"); a full-chunk snapshot write still copies the origin chunk
 * first.
 */
public final class DmTargetSnapshot implements DmTarget {
    private final SnapshotRegistry registry;

    /** {@code struct dm_snapshot}: the devices and the registered snapshot. */
    public record Config(DmPdev origin, DmPdev cow, SnapshotRegistry.Snapshot snap) {
    }

    public DmTargetSnapshot(SnapshotRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "snapshot";
    }

    @Override
    public int[] version() {
        return new int[] {1, 16, 0};
    }

    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length < 4) {
            throw new DmException(Errno.EINVAL, "requires 4 or more arguments");
        }
        if (argv.length > 4) {
            DmArgSet as = new DmArgSet(java.util.Arrays.copyOfRange(argv, 4, argv.length));
            long n = as.readGroup(0, 2, "Invalid number of feature arguments");
            if (n > 0) {
                throw new DmException(Errno.EINVAL, "Unrecognised feature requested");
            }
        }
        DmPdev origin = pdevs.insert(argv[0]);
        if (origin == null) {
            throw new DmException(Errno.ENOENT, "Cannot get origin device");
        }
        DmPdev cow = pdevs.insert(argv[1]);
        try {
            if (cow == null) {
                throw new DmException(Errno.ENOENT, "Cannot get COW device");
            }
            if (cow.dev() == origin.dev()) {
                throw new DmException(Errno.EINVAL, "COW device cannot be the same as origin device");
            }
            char type = Character.toUpperCase(argv[2].charAt(0));
            if (type != 'P' && type != 'N') {
                throw new DmException(Errno.EINVAL, "Exception store type is not P or N");
            }
            long chunk = chunkSize(argv[3], cow, origin);
            ExceptionStore store = registry.store(cow.dev());
            if (store != null) {
                if (store.type() != type || (chunk != 0 && chunk != store.chunkSize())) {
                    throw new DmException(Errno.EINVAL, "COW device already in use with another exception store");
                }
            } else if (type == 'N') {
                if (chunk == 0) {
                    throw new DmException(Errno.EINVAL, "Chunk size not set");
                }
                store = new ExceptionStore.Transient(cow, chunk);
                registry.addStore(store);
            } else {
                store = PersistentStore.open(cow, chunk);
                registry.addStore(store);
            }
            entry.addDeps(origin);
            entry.addDeps(cow);
            entry.setConfig(new Config(origin, cow, registry.register(origin, store)));
        } catch (DmException e) {
            pdevs.release(origin);
            if (cow != null) {
                pdevs.release(cow);
            }
            throw e;
        }
    }

    /** {@code set_chunk_size} + {@code dm_exception_store_set_chunk_size}: 0 = from the header. */
    static long chunkSize(String s, DmPdev cow, DmPdev origin) throws DmException {
        long v = s.startsWith("-") || s.startsWith(" ") ? -1 : DmArgSet.scanU32(s);
        if (v < 0) {
            throw new DmException(Errno.EINVAL, "Invalid chunk size");
        }
        if (v == 0) {
            return 0;
        }
        if (Long.bitCount(v) != 1) {
            throw new DmException(Errno.EINVAL, "Chunk size is not a power of 2");
        }
        if (v % (cow.secsize() / Buf.DEV_BSIZE) != 0 || v % (origin.secsize() / Buf.DEV_BSIZE) != 0) {
            throw new DmException(Errno.EINVAL, "Chunk size is not a multiple of device blocksize");
        }
        if (v > (Integer.MAX_VALUE >> 9)) {
            throw new DmException(Errno.EINVAL, "Chunk size is too high");
        }
        return v;
    }

    /** {@code snapshot_resume}: the snapshot now takes part in origin writes. */
    @Override
    public void resume(DmTableEntry entry) {
        ((Config) entry.config()).snap().activate();
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        SnapshotRegistry.Snapshot s = c.snap();
        ExceptionStore st = s.store;
        boolean read = nb.isRead();
        var lock = read ? s.os.lock.readLock() : s.os.lock.writeLock();
        lock.lock();
        try {
            if (!st.valid()) {
                if (trace != null) {
                    trace.emit(depth, INVALID, Errno.EIO);
                }
                fail(nb, Errno.EIO);
                return;
            }
            long cs = st.chunkSize();
            int done = 0;
            int len = nb.bcount();
            while (done < len) {
                long sector = nb.blkno() + done / Buf.DEV_BSIZE;
                long chunk = sector / cs;
                int piece = DmTargetMirror.piece(sector, len - done, cs);
                long n = st.lookup(chunk);
                if (n < 0 && !read) {
                    n = s.copyChunk(chunk, trace, depth);
                    if (n < 0) {
                        if (trace != null) {
                            trace.emit(depth, NO_ROOM, Errno.EIO);
                        }
                        fail(nb, Errno.EIO);
                        return;
                    }
                }
                DmPdev target = n < 0 ? c.origin() : c.cow();
                long tsec = n < 0 ? sector : n * cs + (sector - chunk * cs);
                if (trace != null) {
                    trace.emit(depth, REMAP, chunk, read, n < 0 ? null : n, target.udevName(), tsec);
                }
                scratch.setup(nb.flags(), tsec, nb.data(), nb.dataOffset() + done, piece);
                target.strategy(scratch, depth + 1);
                Errno e = DmTarget.outcome(scratch, piece);
                if (e != Errno.NONE) {
                    if (trace != null) {
                        trace.emit(depth, IO_FAILED);
                    }
                    fail(nb, e);
                    return;
                }
                done += piece;
            }
            nb.setResid(0);
        } finally {
            lock.unlock();
        }
    }

    private static void fail(Buf nb, Errno e) {
        nb.setError(e);
        nb.setResid(nb.bcount());
    }

    /** {@code snapshot_status(STATUSTYPE_INFO)}. */
    @Override
    public String info(DmTableEntry entry) {
        SnapshotRegistry.Snapshot s = ((Config) entry.config()).snap();
        s.os.lock.readLock().lock();
        try {
            if (!s.store.valid()) {
                return "Invalid";
            }
            long[] u = s.store.usage();
            return u[0] + "/" + u[1] + " " + u[2];
        } finally {
            s.os.lock.readLock().unlock();
        }
    }

    /** {@code snapshot_status(STATUSTYPE_TABLE)}. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        return c.origin().udevName() + " " + c.cow().udevName() + " " + c.snap().store.type() + " "
                + c.snap().store.chunkSize();
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        Config c = (Config) entry.config();
        Errno e = c.cow().sync();
        Errno o = c.origin().sync();
        return e != Errno.NONE ? e : o;
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            registry.unregister(c.snap());
            pdevs.release(c.origin());
            pdevs.release(c.cow());
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? Math.max(c.origin().secsize(), c.cow().secsize()) : 0;
    }

    // trace points

    private static final TracePoint INVALID = TracePoint.of("dm_target_snapshot_strategy",
            "dm_target_snapshot_strategy: snapshot is invalid -> {error}");
    private static final TracePoint NO_ROOM = TracePoint.of("dm_target_snapshot_strategy",
            "dm_target_snapshot_strategy: no room for an exception -> {error}");
    private static final TracePoint REMAP = TracePoint.of("dm_target_snapshot_strategy",
            "dm_target_snapshot_strategy: chunk {chunk} {read?read|write}"
            + "{new_chunk? in COW chunk {new_chunk} on | from origin }{udev} sector {sector}");
    private static final TracePoint IO_FAILED = TracePoint.of("dm_target_snapshot_strategy",
            "dm_target_snapshot_strategy: component I/O failed");
}
