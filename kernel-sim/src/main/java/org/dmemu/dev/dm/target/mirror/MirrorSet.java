package org.dmemu.dev.dm.target.mirror;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The run-time state of one mirror table entry, after Linux's {@code struct mirror_set}
 * (drivers/md/dm-raid1.c): the legs with their error state, the default (primary) leg, the
 * dirty log, per-region locks, and the background resync ({@code do_recovery}/kcopyd).
 *
 * <p><b>Resync.</b> A thread started by resume copies every region that is not in sync from
 * the default leg to the other legs, one region at a time under that region's lock (so a
 * concurrent write to the region cannot be overwritten by stale data), then sleeps long enough
 * to keep the copy rate at or below {@link #resyncRate} sectors per second. Status shows the
 * progress as {@code in_sync/total}. Suspend and destroy stop the thread.
 *
 * <p><b>Errors.</b> A leg whose write or read fails gets {@code error_count}+1 and its error
 * type (status {@code D} write, {@code R} read, {@code S} sync). Reads avoid such legs; with
 * {@code handle_errors} writes and resync skip them too, and a failed default leg hands its role
 * to a good one. A buf fails with EIO only when no leg could take it.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no mirror target; part of a dmemu extension (--targets mirror).
 *
 * <p>Differences from Linux: with handle_errors a write whose leg failed completes (Linux holds
 * it until dmeventd reconfigures the mirror); the resync rate is dmemu's own bound.
 */
public final class MirrorSet {
    /** {@code struct mirror}: one leg. */
    public static final class Leg {
        public final DmPdev pdev;
        public final long offset;
        final AtomicInteger errorCount = new AtomicInteger();
        volatile char errorType;

        Leg(DmPdev pdev, long offset) {
            this.pdev = pdev;
            this.offset = offset;
        }

        /** {@code device_status_char}: A, or the first error type seen (F D S R). */
        public char status() {
            return errorCount.get() == 0 ? 'A' : errorType;
        }

        boolean ok() {
            return errorCount.get() == 0;
        }
    }

    public final List<Leg> legs;
    public final DirtyLog log;
    public final boolean handleErrors;
    public final boolean keepLog;
    /** Sectors per second the resync may copy. */
    public final long resyncRate;
    private final long length;
    private final Object[] regionLocks;
    private volatile Leg defaultLeg;
    private final AtomicInteger readNext = new AtomicInteger();
    private Thread resync;
    private volatile boolean stopResync;
    private final Trace trace;

    public MirrorSet(List<Leg> legs, DirtyLog log, boolean handleErrors, boolean keepLog, long length,
                     long resyncRate, Trace trace) {
        this.legs = legs;
        this.log = log;
        this.handleErrors = handleErrors;
        this.keepLog = keepLog;
        this.length = length;
        this.resyncRate = resyncRate;
        this.trace = trace;
        this.defaultLeg = legs.get(0);
        this.regionLocks = new Object[(int) Math.min(64, log.regionCount)];
        for (int i = 0; i < regionLocks.length; i++) {
            regionLocks[i] = new Object();
        }
    }

    public static Leg leg(DmPdev pdev, long offset) {
        return new Leg(pdev, offset);
    }

    /** The lock of {@code region}. */
    public Object regionLock(long region) {
        return regionLocks[(int) (region % regionLocks.length)];
    }

    public Leg defaultLeg() {
        return defaultLeg;
    }

    /** {@code fail_mirror(m, type)}. */
    public void failLeg(Leg m, char type) {
        if (m.errorCount.getAndIncrement() == 0) {
            m.errorType = type;
        }
        if (!handleErrors || m != defaultLeg) {
            return;
        }
        for (Leg l : legs) {
            if (l.ok()) {
                defaultLeg = l;
                return;
            }
        }
    }

    /** Whether {@code m} still takes writes: every leg without handle_errors, good legs with it. */
    public boolean writable(Leg m) {
        return !handleErrors || m.ok();
    }

    /**
     * {@code choose_mirror}: for an in-sync region the next good leg in turn, else the default
     * leg; {@code avoid} (a leg that just failed) is never chosen; null when none is left.
     */
    public Leg chooseReadLeg(long region, Leg avoid) {
        if (!log.inSync(region)) {
            Leg d = defaultLeg;
            return d == avoid || (avoid != null && !d.ok()) ? null : d;
        }
        int n = legs.size();
        int start = Math.floorMod(readNext.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Leg l = legs.get((start + i) % n);
            if (l.ok() && l != avoid) {
                return l;
            }
        }
        return null;
    }

    /** Leg I/O: {@code len} bytes at sector {@code sector} of the mirror, on leg {@code m}. */
    public static Errno legIo(Leg m, Buf scratch, int flags, long sector, byte[] data, int off, int len, int depth) {
        scratch.setup(flags, m.offset + sector, data, off, len);
        m.pdev.strategy(scratch, depth);
        Errno e = scratch.error();
        return e == Errno.NONE && scratch.resid() > 0 ? Errno.EIO : e;
    }

    // ------------------------------------------------------------------ resync

    /** Starts the resync thread if a region is out of sync (resume). */
    public synchronized void startResync() {
        if (resync != null || log.syncCount() == log.regionCount) {
            return;
        }
        stopResync = false;
        resync = new Thread(this::resyncLoop, "dmemu-kmirrord");
        resync.setDaemon(true);
        resync.start();
    }

    /** Stops the resync thread and waits for it (suspend, destroy). */
    public void stopResync() {
        Thread t;
        synchronized (this) {
            t = resync;
            resync = null;
            stopResync = true;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void resyncLoop() {
        Trace.setThreadPrefix("[kmirrord] ");
        try {
            Buf scratch = new Buf();
            long rs = log.regionSize;
            byte[] tmp = new byte[(int) (rs * Buf.DEV_BSIZE)];
            boolean progress = true;
            // passes until every region is in sync, or a pass changes nothing (a source failed)
            while (progress && !stopResync && log.syncCount() < log.regionCount) {
                progress = false;
                for (long r = 0; r < log.regionCount && !stopResync; r++) {
                    if (log.inSync(r)) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    progress |= recoverRegion(r, scratch, tmp);
                    long pause = rs * 1_000_000_000L / Math.max(1, resyncRate) - (System.nanoTime() - t0);
                    if (pause > 0) {
                        Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            synchronized (this) {
                if (resync == Thread.currentThread()) {
                    resync = null;
                }
            }
        }
    }

    /** {@code recover}: copies region {@code r} from the default leg to the others. */
    public boolean recoverRegion(long r, Buf scratch, byte[] tmp) {
        long rs = log.regionSize;
        long start = r * rs;
        int len = (int) (Math.min(start + rs, length) - start) * Buf.DEV_BSIZE;
        synchronized (regionLock(r)) {
            if (log.inSync(r)) {
                return false;
            }
            Leg src = defaultLeg;
            Errno e = legIo(src, scratch, Buf.B_READ, start, tmp, 0, len, 1);
            if (e != Errno.NONE) {
                failLeg(src, 'S');
                if (trace != null) {
                    trace.emit(0, READ_FAILED, r, src.pdev.udevName(), e);
                }
                return false;
            }
            boolean all = true;
            for (Leg l : legs) {
                if (l == src) {
                    continue;
                }
                if (!l.ok() || legIo(l, scratch, Buf.B_WRITE, start, tmp, 0, len, 1) != Errno.NONE) {
                    if (l.ok()) {
                        failLeg(l, 'S');
                    }
                    all = false;
                }
            }
            if (!all) {
                // a failed leg cannot be brought in sync: the region stays out of sync, as in Linux
                if (trace != null) {
                    trace.emit(0, LEG_FAILED, r);
                }
                return false;
            }
            log.setRegionSync(r, true);
            if (trace != null) {
                trace.emit(0, RECOVERED, r, start, start + len / Buf.DEV_BSIZE - 1, src.pdev.udevName(),
                        log.syncCount(), log.regionCount);
            }
            return true;
        }
    }

    // trace points

    private static final TracePoint READ_FAILED = TracePoint.of("do_recovery",
            "do_recovery: region {region}: read from {udev} failed ({error})");
    private static final TracePoint LEG_FAILED = TracePoint.of("do_recovery",
            "do_recovery: region {region}: a leg has failed, region stays out of sync");
    private static final TracePoint RECOVERED = TracePoint.of("do_recovery",
            "do_recovery: region {region} (sectors {start}-{end}) copied from {udev}:"
            + " {sync_count}/{region_count} in sync");
}
