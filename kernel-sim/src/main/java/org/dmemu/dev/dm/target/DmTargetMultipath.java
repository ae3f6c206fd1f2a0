package org.dmemu.dev.dm.target;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.dev.dm.target.mpath.Multipath;
import org.dmemu.dev.dm.target.mpath.Multipath.Pgpath;
import org.dmemu.dev.dm.target.mpath.Multipath.PriorityGroup;
import org.dmemu.dev.dm.target.mpath.PathSelector;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The {@code multipath} target of Linux's drivers/md/dm-mpath.c ({@code multipath_ctr},
 * {@code multipath_map_bio}, {@code multipath_end_io}, {@code multipath_status},
 * {@code multipath_message}), version 1.14.0, with the round-robin, queue-length and
 * service-time path selectors ({@link PathSelector}); state and policy in {@link Multipath}.
 *
 * <pre>
 * multipath #features [features…] #hw_handler_args [hw_handler [args…]] #priority_groups initial_pg
 *           [selector #selector_args [args…] #paths #path_args [path [path_args…]]…]…
 * </pre>
 *
 * <p>Features: {@code queue_if_no_path}, {@code retain_attached_hw_handler},
 * {@code pg_init_retries N}, {@code pg_init_delay_msecs N} (accepted, shown), and
 * {@code no_path_retry N} (dmemu; see {@link Multipath}). Hardware handlers {@code alua},
 * {@code emc}, {@code rdac}, {@code hp_sw} are accepted and do nothing.
 *
 * <p>I/O: the buf goes to the path the group's selector picks. An EIO, ENXIO or ENODEV from a
 * path fails that path ({@code fail_count}+1, state {@code F}) and the buf is retried on another
 * path of the group, then of the next group; other errors go back to the caller. With no valid
 * path the buf waits (queue_if_no_path) or fails with EIO. Messages ({@code fail_path},
 * {@code reinstate_path}, {@code switch_group}, {@code enable_group}, {@code disable_group},
 * {@code queue_if_no_path}, {@code fail_if_no_path}) arrive through the {@code message}
 * command; a reinstated path releases the queued bufs.
 *
 * <p>Status and table strings are Linux's without the trailing blank
 * (docs/targets/multipath.md).
 *
 * <p>Differences from NetBSD: NetBSD has no multipath target (dmemu extension, present with
 * {@code --targets multipath}). Differences from Linux: a missing device gives ENOENT (as
 * NetBSD's targets); no hardware handler runs; bio-based only ({@code queue_mode} is not
 * accepted).
 */
public final class DmTargetMultipath implements DmTarget {
    private static final List<String> HW_HANDLERS = List.of("alua", "emc", "rdac", "hp_sw");

    /** The entry's config: the parsed table and the run-time state. */
    public record Config(Multipath m, String hwHandler, List<String> hwArgs, long pgInitRetries,
                         long pgInitDelayMsecs, List<DmPdev> pdevs) {
    }

    @Override
    public String name() {
        return "multipath";
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
            entry.setConfig(parse(pdevs, entry, new DmArgSet(argv), opened));
        } catch (DmException e) {
            for (DmPdev p : opened) {
                pdevs.release(p);
            }
            throw e;
        }
    }

    private static Config parse(DmPdevList pdevs, DmTableEntry entry, DmArgSet as, List<DmPdev> opened)
            throws DmException {
        // parse_features
        long nf = as.readGroup(0, 8, "invalid number of feature args");
        boolean queue = false;
        boolean retain = false;
        long retries = 0;
        long delay = -1;
        long noPathRetry = -1;
        while (nf > 0) {
            String f = as.shift();
            nf--;
            if (f.equalsIgnoreCase("queue_if_no_path")) {
                queue = true;
            } else if (f.equalsIgnoreCase("retain_attached_hw_handler")) {
                retain = true;
            } else if (f.equalsIgnoreCase("pg_init_retries") && nf >= 1) {
                retries = as.readArg(1, 50, "pg_init_retries must be between 1 and 50");
                nf--;
            } else if (f.equalsIgnoreCase("pg_init_delay_msecs") && nf >= 1) {
                delay = as.readArg(0, 60000, "pg_init_delay_msecs must be between 0 and 60000");
                nf--;
            } else if (f.equalsIgnoreCase("no_path_retry") && nf >= 1) {
                noPathRetry = as.readArg(0, 0xffffffffL, "no_path_retry must be a number");
                nf--;
            } else {
                throw new DmException(Errno.EINVAL, "Unrecognised multipath feature request");
            }
        }
        // parse_hw_handler
        long nh = as.readGroup(0, 1024, "invalid number of hardware handler args");
        String hw = null;
        List<String> hwArgs = List.of();
        if (nh > 0) {
            hw = as.shift();
            if (!HW_HANDLERS.contains(hw)) {
                throw new DmException(Errno.EINVAL, "unknown hardware handler type");
            }
            hwArgs = List.of(as.take((int) nh - 1));
        }
        Multipath m = new Multipath(queue, retain, noPathRetry);
        long nrPg = as.readArg(0, 1024, "invalid number of priority groups");
        long nextPg = as.readArg(0, 1024, "invalid initial priority group");
        if ((nrPg == 0 && nextPg != 0) || (nrPg != 0 && nextPg == 0)) {
            throw new DmException(Errno.EINVAL, "invalid initial priority group");
        }
        int count = 0;
        while (as.argc() > 0) {
            // parse_priority_group
            if (as.argc() < 2) {
                throw new DmException(Errno.EINVAL, "not enough priority group arguments");
            }
            PathSelector ps = PathSelector.byName(as.shift());
            if (ps == null) {
                throw new DmException(Errno.EINVAL, "unknown path selector type");
            }
            long psArgs = as.readGroup(0, 1024, "invalid number of path selector args");
            as.consume((int) psArgs);
            PriorityGroup pg = m.addGroup(ps);
            long nPaths = as.readArg(1, 1024, "invalid number of paths");
            long nSel = as.readArg(0, 1024, "invalid number of selector args");
            for (long i = 0; i < nPaths; i++) {
                if (as.argc() < 1 + nSel) {
                    throw new DmException(Errno.EINVAL, "not enough path parameters");
                }
                String path = as.shift();
                String[] sel = as.take((int) nSel);
                DmPdev p = pdevs.insert(path);
                if (p == null) {
                    throw new DmException(Errno.ENOENT, "error getting device");
                }
                opened.add(p);
                m.addPath(pg, p, ps.addPath(sel));
                entry.addDeps(p);
            }
            count++;
            if (count == nextPg) {
                m.setNextPg(count);
            }
        }
        if (count != nrPg) {
            throw new DmException(Errno.EINVAL, "priority group count mismatch");
        }
        return new Config(m, hw, hwArgs, retries, delay, List.copyOf(opened));
    }

    // ------------------------------------------------------------------ I/O

    /** {@code multipath_map_bio} + {@code multipath_end_io}: issue, fail over, queue or fail. */
    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Multipath m = ((Config) entry.config()).m();
        int len = nb.bcount();
        for (;;) {
            Pgpath p = m.startIo(len);
            if (p == null) {
                Multipath.NoPath r = m.awaitPath(trace == null ? () -> { } : () -> trace.emit(depth, QUEUED));
                if (r == Multipath.NoPath.RETRY) {
                    if (trace != null) {
                        trace.emit(depth, RESUMED);
                    }
                    continue;
                }
                if (trace != null) {
                    trace.emit(depth, NO_PATH, Errno.EIO);
                }
                nb.setError(Errno.EIO);
                nb.setResid(len);
                return;
            }
            if (trace != null) {
                trace.emit(depth, CHOOSE_PATH, p.pg.pgNum, p.pg.ps.psName(), p.pdev.udevName(), p.pdev.name());
            }
            scratch.setup(nb.flags(), nb.blkno(), nb.data(), nb.dataOffset(), len);
            p.pdev.strategy(scratch, depth + 1);
            Errno e = DmTarget.outcome(scratch, len);
            m.endIo(p, len);
            if (e == Errno.NONE) {
                nb.setResid(0);
                return;
            }
            if (e != Errno.EIO && e != Errno.ENXIO && e != Errno.ENODEV) {
                nb.setError(e);
                nb.setResid(len);
                return;
            }
            boolean failed = m.failPath(p);
            if (trace != null) {
                trace.emit(depth, RETRY, p.pdev.udevName(), e, failed, p.failCount());
            }
        }
    }

    // ------------------------------------------------------------------ messages

    @Override
    public boolean hasMessage() {
        return true;
    }

    /** {@code multipath_message}. */
    @Override
    public Errno message(DmTableEntry entry, String[] argv, Trace trace, int depth) {
        Config c = (Config) entry.config();
        Multipath m = c.m();
        Errno r = messageResult(c, argv);
        if (trace != null) {
            trace.emit(depth, MESSAGE, String.join(" ", argv), r, m.nrValidPaths(), m.queued());
        }
        return r;
    }

    private static Errno messageResult(Config c, String[] argv) {
        Multipath m = c.m();
        if (argv.length == 1) {
            if (argv[0].equalsIgnoreCase("queue_if_no_path")) {
                m.setQueueIfNoPath(true);
                return Errno.NONE;
            }
            if (argv[0].equalsIgnoreCase("fail_if_no_path")) {
                m.setQueueIfNoPath(false);
                return Errno.NONE;
            }
        }
        if (argv.length != 2) {
            return Errno.EINVAL;
        }
        String a = argv[0];
        if (a.equalsIgnoreCase("disable_group") || a.equalsIgnoreCase("enable_group")) {
            return m.bypassGroup(DmArgSet.scanU32(argv[1]), a.equalsIgnoreCase("disable_group"));
        }
        if (a.equalsIgnoreCase("switch_group")) {
            return m.switchGroup(DmArgSet.scanU32(argv[1]));
        }
        boolean fail = a.equalsIgnoreCase("fail_path");
        if (!fail && !a.equalsIgnoreCase("reinstate_path")) {
            return Errno.EINVAL;
        }
        boolean found = false;
        for (PriorityGroup pg : m.groups()) {
            for (Pgpath p : pg.paths) {
                if (p.pdev.name().equals(argv[1]) || p.pdev.udevName().equals(argv[1])) {
                    found = true;
                    if (fail) {
                        m.failPath(p);
                    } else {
                        m.reinstatePath(p);
                    }
                }
            }
        }
        return found ? Errno.NONE : Errno.EINVAL;
    }

    @Override
    public void presuspend(DmTableEntry entry, boolean noflush) {
        if (!noflush) {
            ((Config) entry.config()).m().presuspend();
        }
    }

    @Override
    public void resume(DmTableEntry entry) {
        ((Config) entry.config()).m().resume();
    }

    // ------------------------------------------------------------------ status

    /** {@code multipath_status(STATUSTYPE_TABLE)}. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        Multipath m = c.m();
        return m.locked(() -> {
            List<String> f = new ArrayList<>();
            if (m.queueIfNoPath()) {
                f.add("queue_if_no_path");
            }
            if (c.pgInitRetries() > 0) {
                f.add("pg_init_retries");
                f.add(Long.toString(c.pgInitRetries()));
            }
            if (c.pgInitDelayMsecs() >= 0) {
                f.add("pg_init_delay_msecs");
                f.add(Long.toString(c.pgInitDelayMsecs()));
            }
            if (m.retainAttachedHwHandler()) {
                f.add("retain_attached_hw_handler");
            }
            if (m.noPathRetry() >= 0) {
                f.add("no_path_retry");
                f.add(Long.toString(m.noPathRetry()));
            }
            StringBuilder sb = new StringBuilder();
            sb.append(f.size());
            for (String s : f) {
                sb.append(' ').append(s);
            }
            if (c.hwHandler() == null) {
                sb.append(" 0");
            } else {
                sb.append(' ').append(1 + c.hwArgs().size()).append(' ').append(c.hwHandler());
                c.hwArgs().forEach(a -> sb.append(' ').append(a));
            }
            sb.append(' ').append(m.groups().size()).append(' ').append(m.statusPgNum());
            for (PriorityGroup pg : m.groups()) {
                sb.append(' ').append(pg.ps.psName()).append(" 0 ").append(pg.paths.size()).append(' ')
                        .append(pg.ps.tableArgs);
                for (Pgpath p : pg.paths) {
                    sb.append(' ').append(p.pdev.udevName()).append(' ').append(p.args.repeatCount());
                    if (pg.ps == PathSelector.SERVICE_TIME) {
                        sb.append(' ').append(p.args.relativeThroughput());
                    }
                }
            }
            return sb.toString();
        });
    }

    /** {@code multipath_status(STATUSTYPE_INFO)}. */
    @Override
    public String info(DmTableEntry entry) {
        Multipath m = ((Config) entry.config()).m();
        return m.locked(() -> {
            StringBuilder sb = new StringBuilder("2 0 0 0 ");
            sb.append(m.groups().size()).append(' ').append(m.statusPgNum());
            for (PriorityGroup pg : m.groups()) {
                sb.append(' ').append(m.groupState(pg)).append(" 0 ").append(pg.paths.size()).append(' ')
                        .append(pg.ps.infoArgs);
                for (Pgpath p : pg.paths) {
                    sb.append(' ').append(p.pdev.udevName()).append(' ').append(p.isActive() ? 'A' : 'F')
                            .append(' ').append(p.failCount());
                    if (pg.ps == PathSelector.QUEUE_LENGTH) {
                        sb.append(' ').append(p.inFlight());
                    } else if (pg.ps == PathSelector.SERVICE_TIME) {
                        sb.append(' ').append(p.inFlightBytes()).append(' ').append(p.args.relativeThroughput());
                    }
                }
            }
            return sb.toString();
        });
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return DmPdev.syncAll(((Config) entry.config()).pdevs());
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            c.m().presuspend();
            pdevs.releaseAll(c.pdevs());
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? DmPdev.maxSecsize(c.pdevs()) : 0;
    }

    // trace points

    private static final TracePoint QUEUED = TracePoint.of("dm_target_multipath_strategy",
            "dm_target_multipath_strategy: no valid path, queue_if_no_path: buf queued");
    private static final TracePoint RESUMED = TracePoint.of("dm_target_multipath_strategy",
            "dm_target_multipath_strategy: a path is valid again, buf resumes");
    private static final TracePoint NO_PATH = TracePoint.of("dm_target_multipath_strategy",
            "dm_target_multipath_strategy: no valid path -> {error}");
    private static final TracePoint CHOOSE_PATH = TracePoint.of("dm_target_multipath_strategy",
            "dm_target_multipath_strategy: group {pg_num} {path_selector} chose path {udev} ({pdev})");
    private static final TracePoint RETRY = TracePoint.of("dm_target_multipath_strategy",
            "dm_target_multipath_strategy: path {udev} returned {error}"
            + "{failed?: fail_path, fail_count {fail_count}}; retrying");
    private static final TracePoint MESSAGE = TracePoint.of("multipath_message",
            "multipath_message: {argv} -> {error?{error}|0} ({nr_valid_paths} valid paths, {queued} bufs queued)");
}
