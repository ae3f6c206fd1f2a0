package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.dev.dm.target.snap.SnapshotRegistry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The {@code snapshot-origin} target of Linux's drivers/md/dm-snap.c ({@code origin_ctr},
 * {@code origin_map}, {@code do_origin}, {@code origin_status}), version 1.9.0:
 * {@code snapshot-origin ORIGIN}. Reads pass through; a write first copies every chunk it
 * touches that an active, valid snapshot of ORIGIN has not copied yet to that snapshot's COW
 * device, then goes to ORIGIN. Status is empty; the table shows ORIGIN as {@code major:minor}.
 *
 * <p>Differences from NetBSD: NetBSD 10's dm_target_snapshot.c is a stub that is not built;
 * this is a dmemu extension present with {@code --targets snapshot}. Differences from Linux:
 * a missing device gives ENOENT; writes through snapshot-origin are serialised
 * ({@link SnapshotRegistry}).
 */
public final class DmTargetSnapshotOrigin implements DmTarget {
    private final SnapshotRegistry registry;

    /** {@code struct dm_origin}, plus the origin's shared state. */
    public record Config(DmPdev pdev, SnapshotRegistry.OriginState os) {
    }

    public DmTargetSnapshotOrigin(SnapshotRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "snapshot-origin";
    }

    @Override
    public int[] version() {
        return new int[] {1, 9, 0};
    }

    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length != 1) {
            throw new DmException(Errno.EINVAL, "origin: incorrect number of arguments");
        }
        DmPdev p = pdevs.insert(argv[0]);
        if (p == null) {
            throw new DmException(Errno.ENOENT, "Cannot get target device");
        }
        entry.addDeps(p);
        entry.setConfig(new Config(p, registry.origin(p.dev())));
    }

    @Override
    public String table(DmTableEntry entry) {
        return ((Config) entry.config()).pdev().udevName();
    }

    @Override
    public String info(DmTableEntry entry) {
        return "";
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config cf = (Config) entry.config();
        DmPdev p = cf.pdev();
        if (nb.isRead()) {
            if (trace != null) {
                trace.emit(depth, READ, p.udevName());
            }
            p.strategy(nb, depth + 1);
            return;
        }
        SnapshotRegistry.OriginState os = cf.os();
        os.lock.writeLock().lock();
        try {
            long first = nb.blkno();
            long last = first + Math.max(1, (nb.bcount() + Buf.DEV_BSIZE - 1) / Buf.DEV_BSIZE) - 1;
            for (SnapshotRegistry.Snapshot s : os.snapshots) {
                if (!s.active() || !s.store.valid()) {
                    continue;
                }
                long cs = s.store.chunkSize();
                for (long c = first / cs; c <= last / cs && c * cs < s.originSectors(); c++) {
                    if (s.store.lookup(c) < 0) {
                        s.copyChunk(c, trace, depth);
                        if (!s.store.valid()) {
                            break;
                        }
                    }
                }
            }
            if (trace != null) {
                trace.emit(depth, WRITE, p.udevName());
            }
            p.strategy(nb, depth + 1);
        } finally {
            os.lock.writeLock().unlock();
        }
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return ((Config) entry.config()).pdev().sync();
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            pdevs.release(c.pdev());
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? c.pdev().secsize() : 0;
    }

    // trace points

    private static final TracePoint READ = TracePoint.of("dm_target_snapshot_origin_strategy",
            "dm_target_snapshot_origin_strategy: read passes through to {udev}");
    private static final TracePoint WRITE = TracePoint.of("dm_target_snapshot_origin_strategy",
            "dm_target_snapshot_origin_strategy: write goes to {udev}");
}
