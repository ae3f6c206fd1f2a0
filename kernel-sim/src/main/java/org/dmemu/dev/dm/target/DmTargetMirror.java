package org.dmemu.dev.dm.target;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.dev.dm.target.mirror.DirtyLog;
import org.dmemu.dev.dm.target.mirror.MirrorSet;
import org.dmemu.dev.dm.target.mirror.MirrorSet.Leg;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The {@code mirror} target of Linux's drivers/md/dm-raid1.c ({@code mirror_ctr},
 * {@code mirror_map}, {@code mirror_status}, {@code mirror_resume}/{@code mirror_presuspend})
 * with the {@code core} and {@code disk} dirty logs of dm-log.c ({@link DirtyLog}), version
 * 1.14.0:
 *
 * <pre>
 * mirror core #log_args REGION_SIZE [sync|nosync] #devs DEV OFFSET… [#features handle_errors keep_log]
 * mirror disk #log_args LOG_DEV REGION_SIZE [sync|nosync] #devs DEV OFFSET… [#features …]
 * </pre>
 *
 * <p>Writes go to every leg (under the region's lock, with the dirty log marked around them);
 * reads of an in-sync region go to the legs in turn, of a region not yet in sync to the default
 * leg; a failing leg is skipped and the read retried on another. Resync and error handling:
 * {@link MirrorSet}. The resync rate bound is the system property
 * {@code dmemu.mirror.resync-rate} (sectors per second, default 131072 = 64 MiB/s), read when
 * a table is loaded.
 *
 * <p>Status {@code #legs DEV… in_sync/regions 1 STATES LOGSTATUS} (e.g.
 * {@code 2 0:19 0:35 1024/1024 1 AA 1 core}); table {@code LOGTABLE #legs DEV OFFSET…
 * [#features …]}.
 *
 * <p>Differences from NetBSD: NetBSD 10's dm_target_mirror.c is a stub that is not built;
 * dmemu extension present with {@code --targets mirror}. Differences from Linux: a missing
 * device gives ENOENT; the detail of a dirty-log error is appended to Linux's
 * "Error creating mirror dirty log".
 */
public final class DmTargetMirror implements DmTarget {
    /** Default resync bound in sectors per second. */
    public static final long DEFAULT_RESYNC_RATE = 131072;
    private final Trace trace;

    /** The entry's config. */
    public record Config(MirrorSet ms, List<DmPdev> pdevs) {
    }

    public DmTargetMirror(Trace trace) {
        this.trace = trace;
    }

    @Override
    public String name() {
        return "mirror";
    }

    @Override
    public int[] version() {
        return new int[] {1, 14, 0};
    }

    @Override
    public int maxArgc() {
        return 4096;
    }

    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        List<DmPdev> opened = new ArrayList<>();
        try {
            entry.setConfig(parse(pdevs, entry, argv, opened));
        } catch (DmException e) {
            for (DmPdev p : opened) {
                pdevs.release(p);
            }
            throw e;
        }
    }

    private Config parse(DmPdevList pdevs, DmTableEntry entry, String[] argv, List<DmPdev> opened)
            throws DmException {
        DmArgSet as = new DmArgSet(argv);
        // create_dirty_log
        if (as.argc() < 2) {
            throw new DmException(Errno.EINVAL, "Insufficient mirror log arguments");
        }
        String logType = as.shift();
        long nLog = DmArgSet.scanU32(as.shift());
        if (nLog < 0) {
            throw new DmException(Errno.EINVAL, "Invalid mirror log argument count");
        }
        if (as.argc() < nLog) {
            throw new DmException(Errno.EINVAL, "Insufficient mirror log arguments");
        }
        String[] logArgs = as.take((int) nLog);
        DmPdev logDev = null;
        int i = 0;
        if (logType.equals("disk")) {
            if (logArgs.length < 2 || logArgs.length > 3) {
                throw logError("wrong number of arguments to disk dirty region log");
            }
            logDev = pdevs.insert(logArgs[i++]);
            if (logDev == null) {
                throw new DmException(Errno.ENOENT, "Error creating mirror dirty log: cannot open the log device");
            }
            opened.add(logDev);
        } else if (logType.equals("core")) {
            if (logArgs.length < 1 || logArgs.length > 2) {
                throw logError("wrong number of arguments to dirty region log");
            }
        } else {
            throw logError("unknown dirty log type " + logType);
        }
        long region = DmArgSet.scanU32(logArgs[i++]);
        if (region < 2 || region > entry.length || Long.bitCount(region) != 1) {
            throw logError("invalid region size " + logArgs[i - 1]);
        }
        DirtyLog.Sync sync = DirtyLog.Sync.DEFAULTSYNC;
        if (i < logArgs.length) {
            String s = logArgs[i];
            if (s.equals("sync")) {
                sync = DirtyLog.Sync.FORCESYNC;
            } else if (s.equals("nosync")) {
                sync = DirtyLog.Sync.NOSYNC;
            } else {
                throw logError("unrecognised sync argument to dirty region log: " + s);
            }
        }
        // the legs
        String n = as.shift();
        long nr = n == null ? -1 : DmArgSet.scanU32(n);
        if (nr < 2 || nr > 9) {
            throw new DmException(Errno.EINVAL, "Invalid number of mirrors");
        }
        if (as.argc() < nr * 2) {
            throw new DmException(Errno.EINVAL, "Too few mirror arguments");
        }
        List<Leg> legs = new ArrayList<>();
        for (int m = 0; m < nr; m++) {
            String dev = as.shift();
            String off = as.shift();
            long offset = parseOffset(off);
            if (offset < 0) {
                throw new DmException(Errno.EINVAL, "Invalid offset");
            }
            DmPdev p = pdevs.insert(dev);
            if (p == null) {
                throw new DmException(Errno.ENOENT, "Device lookup failure");
            }
            opened.add(p);
            legs.add(MirrorSet.leg(p, offset));
        }
        // parse_features
        boolean handle = false;
        boolean keep = false;
        if (as.argc() > 0) {
            long nf = DmArgSet.scanU32(as.shift());
            if (nf < 0) {
                throw new DmException(Errno.EINVAL, "Invalid number of features");
            }
            if (nf > as.argc()) {
                throw new DmException(Errno.EINVAL, "Not enough arguments to support feature count");
            }
            for (long k = 0; k < nf; k++) {
                String f = as.shift();
                if (f.equals("handle_errors")) {
                    handle = true;
                } else if (f.equals("keep_log")) {
                    keep = true;
                } else {
                    throw new DmException(Errno.EINVAL, "Unrecognised feature requested");
                }
            }
            if (!handle && keep) {
                throw new DmException(Errno.EINVAL, "keep_log feature requires the handle_errors feature");
            }
        }
        if (as.argc() > 0) {
            throw new DmException(Errno.EINVAL, "Too many mirror arguments");
        }
        long regions = (entry.length + region - 1) / region;
        DirtyLog log = DirtyLog.create(region, regions, sync, logDev);
        long rate = Long.getLong("dmemu.mirror.resync-rate", DEFAULT_RESYNC_RATE);
        for (Leg l : legs) {
            entry.addDeps(l.pdev);
        }
        if (logDev != null) {
            entry.addDeps(logDev);
        }
        return new Config(new MirrorSet(legs, log, handle, keep, entry.length, rate, trace), List.copyOf(opened));
    }

    private static DmException logError(String detail) {
        return new DmException(Errno.EINVAL, "Error creating mirror dirty log: " + detail);
    }

    /** {@code sscanf("%llu%c")}: an unsigned 64-bit decimal, or -1 (also above 2^63−1). */
    static long parseOffset(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || v > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    // ------------------------------------------------------------------ I/O

    /**
     * The bytes of a transfer at {@code sector} with {@code left} bytes to go that stay inside
     * one {@code unit}-sector region (or chunk): what Linux gets by splitting bios at
     * {@code max_io_len}. Pure.
     */
    public static int piece(long sector, int left, long unit) {
        long room = ((sector / unit + 1) * unit - sector) * Buf.DEV_BSIZE;
        return (int) Math.min(left, room);
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        MirrorSet ms = ((Config) entry.config()).ms();
        long rs = ms.log.regionSize();
        int len = nb.bcount();
        int done = 0;
        while (done < len) {
            long sector = nb.blkno() + done / Buf.DEV_BSIZE;
            long region = sector / rs;
            int piece = piece(sector, len - done, rs);
            Errno e = nb.isRead() ? read(ms, nb, scratch, sector, region, done, piece, trace, depth)
                    : write(ms, nb, scratch, sector, region, done, piece, trace, depth);
            if (e != Errno.NONE) {
                nb.setError(e);
                nb.setResid(len);
                return;
            }
            done += piece;
        }
        nb.setResid(0);
    }

    private static Errno read(MirrorSet ms, Buf nb, Buf scratch, long sector, long region, int done, int piece,
                              Trace trace, int depth) {
        Leg avoid = null;
        for (;;) {
            Leg l = ms.chooseReadLeg(region, avoid);
            if (l == null) {
                if (trace != null) {
                    trace.emit(depth, NO_LEG, region, Errno.EIO);
                }
                return Errno.EIO;
            }
            Errno e = MirrorSet.legIo(l, scratch, nb.flags(), sector, nb.data(), nb.dataOffset() + done, piece, depth + 1);
            if (trace != null) {
                trace.emit(depth, READ, region, ms.log.inSync(region), l.pdev.udevName(), e);
            }
            if (e == Errno.NONE) {
                return e;
            }
            ms.failLeg(l, 'R');
            avoid = l;
        }
    }

    private static Errno write(MirrorSet ms, Buf nb, Buf scratch, long sector, long region, int done, int piece,
                               Trace trace, int depth) {
        synchronized (ms.regionLock(region)) {
            ms.log.markDirty(region);
            int ok = 0;
            boolean failed = false;
            StringBuilder legs = trace == null ? null : new StringBuilder();
            for (Leg l : ms.legs) {
                if (!ms.writable(l)) {
                    continue;
                }
                Errno e = MirrorSet.legIo(l, scratch, nb.flags(), sector, nb.data(), nb.dataOffset() + done, piece,
                        depth + 1);
                if (legs != null) {
                    legs.append(legs.isEmpty() ? "" : " ").append(l.pdev.udevName());
                    if (e != Errno.NONE) {
                        legs.append('(').append(e.name()).append(')');
                    }
                }
                if (e == Errno.NONE) {
                    ok++;
                } else {
                    ms.failLeg(l, 'D');
                    failed = true;
                }
            }
            if (failed) {
                ms.log.setRegionSync(region, false);
                ms.startResync();
            } else {
                ms.log.markClean(region);
            }
            if (trace != null) {
                trace.emit(depth, WRITE, region, legs.isEmpty() ? null : legs.toString(),
                        ok == 0 ? Errno.EIO : Errno.NONE);
            }
            return ok == 0 ? Errno.EIO : Errno.NONE;
        }
    }

    // ------------------------------------------------------------------ hooks and status

    @Override
    public void resume(DmTableEntry entry) {
        ((Config) entry.config()).ms().startResync();
    }

    @Override
    public void presuspend(DmTableEntry entry, boolean noflush) {
        ((Config) entry.config()).ms().stopResync();
    }

    /** {@code mirror_status(STATUSTYPE_INFO)}. */
    @Override
    public String info(DmTableEntry entry) {
        MirrorSet ms = ((Config) entry.config()).ms();
        StringBuilder sb = new StringBuilder();
        StringBuilder st = new StringBuilder();
        sb.append(ms.legs.size());
        for (Leg l : ms.legs) {
            sb.append(' ').append(l.pdev.udevName());
            st.append(l.status());
        }
        sb.append(' ').append(ms.log.syncCount()).append('/').append(ms.log.regionCount()).append(" 1 ").append(st);
        if (ms.log.logDev() == null) {
            sb.append(" 1 core");
        } else {
            sb.append(" 3 disk ").append(ms.log.logDev().udevName()).append(' ').append(ms.log.logDevState());
        }
        return sb.toString();
    }

    /** {@code mirror_status(STATUSTYPE_TABLE)}. */
    @Override
    public String table(DmTableEntry entry) {
        MirrorSet ms = ((Config) entry.config()).ms();
        DirtyLog log = ms.log;
        boolean def = log.sync() == DirtyLog.Sync.DEFAULTSYNC;
        StringBuilder sb = new StringBuilder();
        if (log.logDev() == null) {
            sb.append("core ").append(def ? 1 : 2);
        } else {
            sb.append("disk ").append(def ? 2 : 3).append(' ').append(log.logDev().udevName());
        }
        sb.append(' ').append(log.regionSize()).append(' ');
        if (!def) {
            sb.append(log.sync() == DirtyLog.Sync.NOSYNC ? "nosync " : "sync ");
        }
        sb.append(ms.legs.size());
        for (Leg l : ms.legs) {
            sb.append(' ').append(l.pdev.udevName()).append(' ').append(l.offset);
        }
        int nf = (ms.handleErrors ? 1 : 0) + (ms.keepLog ? 1 : 0);
        if (nf > 0) {
            sb.append(' ').append(nf);
            if (ms.handleErrors) {
                sb.append(" handle_errors");
            }
            if (ms.keepLog) {
                sb.append(" keep_log");
            }
        }
        return sb.toString();
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return DmPdev.syncAll(((Config) entry.config()).pdevs());
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            c.ms().stopResync();
            pdevs.releaseAll(c.pdevs());
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? DmPdev.maxSecsize(c.pdevs()) : 0;
    }

    // trace points

    private static final TracePoint NO_LEG = TracePoint.of("dm_target_mirror_strategy",
            "dm_target_mirror_strategy: region {region}: no leg left to read -> {error}");
    private static final TracePoint READ = TracePoint.of("dm_target_mirror_strategy",
            "dm_target_mirror_strategy: region {region} ({in_sync?in sync|not in sync}) read from leg {udev}"
            + "{error? failed ({error}), trying another leg}");
    private static final TracePoint WRITE = TracePoint.of("dm_target_mirror_strategy",
            "dm_target_mirror_strategy: region {region} written to legs{legs? {legs}}{error? -> {error}}");
}
