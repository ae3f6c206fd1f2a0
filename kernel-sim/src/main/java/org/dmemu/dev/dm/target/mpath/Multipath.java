package org.dmemu.dev.dm.target.mpath;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Errno;

/**
 * The run-time state of one multipath table entry, after Linux's {@code struct multipath}
 * (drivers/md/dm-mpath.c): priority groups of paths, the current group and path, the
 * {@code queue_if_no_path} flag, and the policy functions {@code choose_pgpath},
 * {@code fail_path}, {@code reinstate_path}, {@code switch_pg_num}, {@code bypass_pg_num}.
 *
 * <p><b>Queueing.</b> dmemu's strategy is synchronous: a buf that finds no valid path while
 * queueing is on waits in {@link #awaitPath} (on this object's monitor) until a path is
 * reinstated, queueing is switched off, or the device is suspended or removed
 * ({@link #presuspend}); the strategy then retries or fails it with EIO. All state changes
 * happen under this object's monitor, so any number of I/O threads and the message ioctl may
 * run at once.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no multipath target; part of a dmemu extension (--targets multipath).
 *
 * <p>Differences from Linux: {@code no_path_retry N} (a multipathd setting) is implemented
 * here, counted in I/O attempts: while no path is valid, each new buf counts one attempt;
 * after N, queueing is switched off as multipathd would, and every queued buf fails.
 * No hardware handler runs ({@code pg_init_count} stays 0).
 */
public final class Multipath {
    /** {@code struct pgpath}: one path of a group. */
    public static final class Pgpath {
        public final DmPdev pdev;
        public final PriorityGroup pg;
        public final PathSelector.PathArgs args;
        boolean active = true;
        int failCount;
        long inFlight;
        long inFlightBytes;

        Pgpath(DmPdev pdev, PriorityGroup pg, PathSelector.PathArgs args) {
            this.pdev = pdev;
            this.pg = pg;
            this.args = args;
        }

        /** {@code is_active}. */
        public boolean isActive() {
            return active;
        }

        /** {@code fail_count}. */
        public int failCount() {
            return failCount;
        }

        public long inFlight() {
            return inFlight;
        }

        public long inFlightBytes() {
            return inFlightBytes;
        }
    }

    /** {@code struct priority_group}. */
    public static final class PriorityGroup {
        public final int pgNum;
        public final PathSelector ps;
        public final List<Pgpath> paths = new ArrayList<>();
        /** The selector's list of valid paths, in its current order. */
        final List<Pgpath> validList = new ArrayList<>();
        boolean bypassed;

        PriorityGroup(int pgNum, PathSelector ps) {
            this.pgNum = pgNum;
            this.ps = ps;
        }

        public boolean bypassed() {
            return bypassed;
        }
    }

    private final List<PriorityGroup> groups = new ArrayList<>();
    private PriorityGroup currentPg;
    private PriorityGroup nextPg;
    private Pgpath currentPgpath;
    private long repeatLeft;
    private int nrValidPaths;
    private boolean queueIfNoPath;
    private final boolean retainAttachedHwHandler;
    /** {@code no_path_retry N}; -1 = not set. */
    private final long noPathRetry;
    private long noPathAttempts;
    private boolean suspended;
    private int queued;

    public Multipath(boolean queueIfNoPath, boolean retainAttachedHwHandler, long noPathRetry) {
        this.queueIfNoPath = queueIfNoPath || noPathRetry > 0;
        this.retainAttachedHwHandler = retainAttachedHwHandler;
        this.noPathRetry = noPathRetry;
    }

    /** Appends a group (construction only). */
    public PriorityGroup addGroup(PathSelector ps) {
        PriorityGroup pg = new PriorityGroup(groups.size() + 1, ps);
        groups.add(pg);
        return pg;
    }

    /** Appends a path to {@code pg} (construction only). */
    public Pgpath addPath(PriorityGroup pg, DmPdev pdev, PathSelector.PathArgs args) {
        Pgpath p = new Pgpath(pdev, pg, args);
        pg.paths.add(p);
        pg.validList.add(p);
        nrValidPaths++;
        return p;
    }

    /** Sets the initial group ({@code next_pg}; construction only). */
    public void setNextPg(int pgNum) {
        nextPg = groups.get(pgNum - 1);
    }

    public List<PriorityGroup> groups() {
        return groups;
    }

    // ------------------------------------------------------------------ choosing a path

    /**
     * {@code choose_pgpath(m, nr_bytes)} + start of I/O: the path for the next buf, with its
     * in-flight counters raised, or null when no path is valid.
     */
    public synchronized Pgpath startIo(long bytes) {
        Pgpath p = choosePgpath(bytes);
        if (p != null) {
            p.inFlight++;
            p.inFlightBytes += bytes;
        }
        return p;
    }

    /** End of I/O on {@code p}: lowers its counters. */
    public synchronized void endIo(Pgpath p, long bytes) {
        p.inFlight--;
        p.inFlightBytes -= bytes;
    }

    private Pgpath choosePgpath(long bytes) {
        if (nrValidPaths == 0) {
            currentPgpath = null;
            return null;
        }
        if (currentPgpath != null && currentPgpath.active && repeatLeft > 0) {
            repeatLeft--;
            return currentPgpath;
        }
        if (nextPg != null) {
            PriorityGroup pg = nextPg;
            nextPg = null;
            Pgpath p = chooseInPg(pg, bytes);
            if (p != null) {
                return p;
            }
        }
        if (currentPg != null && !currentPg.bypassed) {
            Pgpath p = chooseInPg(currentPg, bytes);
            if (p != null) {
                return p;
            }
        }
        // first the groups not bypassed, then the bypassed ones
        for (int pass = 0; pass < 2; pass++) {
            boolean bypassed = pass == 1;
            for (PriorityGroup pg : groups) {
                if (pg.bypassed != bypassed) {
                    continue;
                }
                Pgpath p = chooseInPg(pg, bytes);
                if (p != null) {
                    if (bypassed) {
                        pg.bypassed = false;
                    }
                    return p;
                }
            }
        }
        currentPgpath = null;
        currentPg = null;
        return null;
    }

    private Pgpath chooseInPg(PriorityGroup pg, long bytes) {
        List<Pgpath> v = pg.validList;
        int i;
        if (pg.ps == PathSelector.ROUND_ROBIN) {
            i = v.isEmpty() ? -1 : 0; // the head of the list: no loads to build
        } else {
            PathSelector.Load[] loads = new PathSelector.Load[v.size()];
            for (int k = 0; k < loads.length; k++) {
                Pgpath p = v.get(k);
                loads[k] = new PathSelector.Load(p.inFlight, p.inFlightBytes, p.args.relativeThroughput());
            }
            i = pg.ps.choose(loads, bytes);
        }
        if (i < 0) {
            return null;
        }
        Pgpath p = v.remove(i);
        v.add(p);
        currentPg = pg;
        currentPgpath = p;
        repeatLeft = Math.max(0, p.args.repeatCount() - 1);
        return p;
    }

    // ------------------------------------------------------------------ path state changes

    /** {@code fail_path(pgpath)}: false if it was already failed. */
    public synchronized boolean failPath(Pgpath p) {
        if (!p.active) {
            return false;
        }
        p.active = false;
        p.failCount++;
        nrValidPaths--;
        p.pg.validList.remove(p);
        if (p == currentPgpath) {
            currentPgpath = null;
        }
        return true;
    }

    /** {@code reinstate_path(pgpath)}: wakes queued bufs when the first path comes back. */
    public synchronized void reinstatePath(Pgpath p) {
        if (p.active) {
            return;
        }
        p.active = true;
        p.pg.validList.add(p);
        nrValidPaths++;
        noPathAttempts = 0;
        if (noPathRetry > 0) {
            queueIfNoPath = true;
        }
        if (currentPgpath == null) {
            currentPg = null;
        }
        notifyAll();
    }

    /** {@code switch_pg_num}: EINVAL unless 1 ≤ n ≤ number of groups. */
    public synchronized Errno switchGroup(long n) {
        if (n < 1 || n > groups.size()) {
            return Errno.EINVAL;
        }
        for (PriorityGroup pg : groups) {
            pg.bypassed = false;
        }
        currentPgpath = null;
        currentPg = null;
        nextPg = groups.get((int) n - 1);
        return Errno.NONE;
    }

    /** {@code bypass_pg_num}: disable_group / enable_group. */
    public synchronized Errno bypassGroup(long n, boolean bypassed) {
        if (n < 1 || n > groups.size()) {
            return Errno.EINVAL;
        }
        groups.get((int) n - 1).bypassed = bypassed;
        currentPgpath = null;
        currentPg = null;
        return Errno.NONE;
    }

    /** {@code queue_if_no_path(m, on)}: switching it off fails every queued buf. */
    public synchronized void setQueueIfNoPath(boolean on) {
        queueIfNoPath = on;
        if (on) {
            noPathAttempts = 0;
        }
        notifyAll();
    }

    /** Suspend without noflush: queued bufs fail, nothing queues until {@link #resume}. */
    public synchronized void presuspend() {
        suspended = true;
        notifyAll();
    }

    public synchronized void resume() {
        suspended = false;
    }

    // ------------------------------------------------------------------ no valid path

    /** What a buf that found no path does. */
    public enum NoPath { RETRY, FAIL }

    /**
     * A buf found no valid path: counts a {@code no_path_retry} attempt, then waits while
     * queueing applies (returns RETRY once a path or a state change may let it proceed), or
     * returns FAIL (EIO).
     */
    public synchronized NoPath awaitPath(Runnable onQueue) {
        if (nrValidPaths > 0) {
            return NoPath.RETRY;
        }
        if (noPathRetry >= 0 && queueIfNoPath && ++noPathAttempts > noPathRetry) {
            queueIfNoPath = false;
            notifyAll();
        }
        if (!queueIfNoPath || suspended) {
            return NoPath.FAIL;
        }
        onQueue.run();
        queued++;
        try {
            while (nrValidPaths == 0 && queueIfNoPath && !suspended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return NoPath.FAIL;
                }
            }
        } finally {
            queued--;
        }
        return nrValidPaths > 0 ? NoPath.RETRY : NoPath.FAIL;
    }

    // ------------------------------------------------------------------ status

    public synchronized boolean queueIfNoPath() {
        return queueIfNoPath;
    }

    public boolean retainAttachedHwHandler() {
        return retainAttachedHwHandler;
    }

    public long noPathRetry() {
        return noPathRetry;
    }

    /** Bufs waiting for a path (tests, trace). */
    public synchronized int queued() {
        return queued;
    }

    public synchronized int nrValidPaths() {
        return nrValidPaths;
    }

    /** The group number status shows: next, else current, else 1 (0 without groups). */
    public synchronized int statusPgNum() {
        if (nextPg != null) {
            return nextPg.pgNum;
        }
        if (currentPg != null) {
            return currentPg.pgNum;
        }
        return groups.isEmpty() ? 0 : 1;
    }

    /** The group state letter: D bypassed, A current, E enabled. */
    public synchronized char groupState(PriorityGroup pg) {
        return pg.bypassed ? 'D' : pg == currentPg ? 'A' : 'E';
    }

    /** Runs {@code r} under the monitor (consistent status snapshots). */
    public synchronized <T> T locked(java.util.function.Supplier<T> r) {
        return r.get();
    }
}
