package org.dmemu.dev.dm;

import java.util.List;

import org.dmemu.dev.dm.ioctl.DmIoctlUtil;
import org.dmemu.dev.dm.target.DmTargetList;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropObject;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates sys/dev/dm/device-mapper.c rev 1.64: {@code dmioctl} (with {@code dm_check_version}
 * and {@code dm_cmd_to_fun}), {@code disk_ioctl_switch}, {@code dmsize}, {@code dmopen}/{@code dmclose};
 * the disk ioctls and {@code dmgetproperties} are in {@link DmDiskIoctl}, {@code dmstrategy} in
 * {@link DmStrategy}.
 *
 * <p>{@code dmioctl} always copies the (mutated) request dictionary out and returns the copy-out
 * status: a version mismatch, an unknown command, a privilege refusal or a handler error is
 * visible only in the reply's keys. The handler's errno is kept, per thread, in {@link #lastHandlerErrno()}
 * (a debug side channel) and printed by the trace.
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>{@code strictErrno} (off by default): return the handler's errno from the ioctl, as
 *     DragonFly BSD does; the reply is then not copied out to the caller.</li>
 * <li>All ioctls (and opens/closes and disk ioctls) are serialised by one lock, which stands
 *     for {@code dm_dev_mutex}, {@code dm_pdev_mutex}, {@code dm_target_mutex} and the device
 *     busy counts. Strategy never takes it.</li>
 * <li>The table walk of dmstrategy uses binary search when the table allows it
 *     (see {@link DmTable}); nested bufs are two reused per-thread {@link Buf}s, not
 *     {@code getiobuf} allocations; completion is synchronous.</li>
 * <li>A request crossing the end of the device (NetBSD: KASSERT/underflow, quirk Q4) transfers
 *     the in-range part, then fails with EINVAL, b_bcount restored and b_resid = b_bcount.</li>
 * </ul>
 */
public final class DeviceMapper {
    static {
        // Trace is in the signature of DmTarget.strategy (called from DmStrategy). C2 does not inline a call whose
        // signature names a class that is not loaded yet ("unloaded signature classes"), and
        // with tracing off nothing else loads it: resolve the class once, here.
        Trace.class.getName();
    }

    private final Object lock = new Object();
    /** The reader slots of this kernel and its retired tables. */
    private final DmReaders readers = new DmReaders();
    private final DmDevList devs = new DmDevList();
    private final DmTargetList targets;
    /** {@code cmd_fn[]} for this kernel: NetBSD's, plus {@code message} when a target needs it. */
    private final List<DmCommandTable.CmdFunction> cmdFn;
    private final DmPdevList pdevs;
    private final Trace trace;
    /** The block device's strategy routine. */
    private final DmStrategy strategy;
    private final boolean strictErrno;
    private volatile boolean strictOffsets;
    /** The kernel message buffer ({@code msgbuf}): the last {@link #MSGBUF_LINES} lines. */
    private final java.util.ArrayDeque<String> messages = new java.util.ArrayDeque<>();
    /** Lines kept by {@link #log}; older ones are dropped, as NetBSD's msgbuf wraps. */
    public static final int MSGBUF_LINES = 1000;
    /** Where log lines also go as they arrive (the console), or null. */
    private volatile java.util.function.Consumer<String> console;
    /** {@code sc_minor_num}. */
    private long scMinorNum;
    /** {@code dm_dev_counter}. */
    private long dmDevCounter;
    /** The errno of the last command handler each thread ran (a debug side channel). */
    private final ThreadLocal<Errno> lastHandlerErrno = ThreadLocal.withInitial(() -> Errno.NONE);

    public DeviceMapper(DmTargetList targets, DmPdevList pdevs, Trace trace, boolean strictErrno) {
        this.targets = targets;
        this.cmdFn = DmCommandTable.forTargets(targets);
        this.pdevs = pdevs;
        this.trace = trace;
        this.strategy = new DmStrategy(this, readers, trace);
        this.strictErrno = strictErrno;
        pdevs.attach(this);
    }

    /** {@code KernelConfig.strictOffsets}: refuse tables whose components cover a label sector. */
    public void setStrictOffsets(boolean on) {
        strictOffsets = on;
    }

    public boolean strictOffsets() {
        return strictOffsets;
    }

    /** Appends a kernel log line (dmesg), dropping the oldest past {@link #MSGBUF_LINES}, and prints it on the console if one is set. */
    public void log(String line) {
        synchronized (messages) {
            if (messages.size() == MSGBUF_LINES) {
                messages.removeFirst();
            }
            messages.addLast(line);
        }
        java.util.function.Consumer<String> c = console;
        if (c != null) {
            c.accept(line);
        }
    }

    /** Also sends every future log line to {@code sink} (null: none), as the console shows kernel messages. */
    public void setConsole(java.util.function.Consumer<String> sink) {
        console = sink;
    }

    /** The kernel log lines kept (at most {@link #MSGBUF_LINES}, oldest first). */
    public java.util.List<String> messages() {
        synchronized (messages) {
            return java.util.List.copyOf(messages);
        }
    }

    public DmDevList devs() {
        return devs;
    }

    public DmTargetList targets() {
        return targets;
    }

    public DmPdevList pdevs() {
        return pdevs;
    }

    /** The kernel's ioctl lock (held by every ioctl handler). */
    public Object lock() {
        return lock;
    }

    /**
     * The errno the last command handler run by the calling thread returned (H-ERR; never the
     * ioctl's result). Per thread: concurrent ioctls from other threads do not change it.
     */
    public Errno lastHandlerErrno() {
        return lastHandlerErrno.get();
    }

    /**
     * Emits the step {@code point} at {@code depth} with {@code values} when somebody listens
     * (the ioctl paths; the strategy path tests {@link #tracing} before it passes any value).
     */
    public void trace(int depth, TracePoint point, Object... values) {
        if (trace != null) {
            trace.emit(depth, point, values);
        }
    }

    public boolean tracing() {
        return trace != null;
    }

    /** The trace sink (null when tracing is off), for target hooks run by ioctls. */
    public Trace traceSink() {
        return trace;
    }

    /** The next minor ({@code atomic_inc_32_nv(&sc_minor_num)}). */
    public long nextMinor() {
        scMinorNum = (scMinorNum + 1) & 0xffffffffL;
        return scMinorNum;
    }

    /** {@code dm_dev_counter} ± 1. */
    public void countDevice(int delta) {
        dmDevCounter += delta;
    }

    public long deviceCount() {
        return dmDevCounter;
    }

    /** Creates a device object (not yet inserted). */
    public DmDev newDev(String name, String uuid, long minor, int flags) {
        return new DmDev(name, uuid, minor, flags, readers);
    }

    // ------------------------------------------------------------------ dmioctl

    /**
     * {@code dmioctl(dev, cmd, data, flag, l)} on minor {@code minor} (0 = control).
     *
     * @param user       the bytes at {@code pref_plist} (for a disk ioctl: the argument buffer)
     * @param prefLen    {@code pref_len}
     * @param privileged whether kauth lets the caller run privileged commands (root)
     */
    public IoctlResult dmioctl(String path, long minor, long cmd, byte[] user, long prefLen, boolean privileged) {
        if (trace != null) {
            trace.emit(0, DMIOCTL, path, cmd, prefLen);
        }
        if (minor > 0) {
            IoctlResult r = diskIoctlSwitch(minor, cmd, user);
            if (r.errno() != Errno.ENOTTY.number()) {
                return r;
            }
        }
        if (cmd != NetbsdDm.NETBSD_DM_IOCTL) {
            trace(1, NOT_DM_IOCTL, Errno.ENOTTY);
            return new IoctlResult(Errno.ENOTTY.number(), new byte[0]);
        }
        PropDictionary dict;
        try {
            dict = PropKern.copyinIoctl(cmd, user, prefLen);
        } catch (PropKern.PropKernException e) {
            trace(1, COPYIN_FAILED, e.getMessage(), errnoValue(e.errno()));
            return new IoctlResult(e.errno(), new byte[0]);
        }
        trace(1, COPYIN, prefLen, dict.count());
        Errno herr;
        synchronized (lock) {
            herr = checkVersion(dict);
            if (herr == Errno.NONE) {
                herr = cmdToFun(dict, privileged);
            }
        }
        // tables retired by the handler: wait for their readers without the lock, then destroy
        readers.drainRetired(lock);
        lastHandlerErrno.set(herr);
        byte[] out;
        try {
            out = PropKern.copyoutIoctl(cmd, dict);
        } catch (PropKern.PropKernException e) {
            trace(1, COPYOUT_FAILED, errnoValue(e.errno()));
            return new IoctlResult(e.errno(), new byte[0]);
        }
        trace(1, COPYOUT, out.length);
        if (strictErrno && herr != Errno.NONE) {
            trace(1, RETURN_STRICT, herr.number());
            return new IoctlResult(herr.number(), new byte[0]);
        }
        trace(1, RETURN, herr.number(), herr);
        return new IoctlResult(0, out);
    }

    /** An errno number as a trace value: the {@link Errno}, or the number when it has no name. */
    static Object errnoValue(int errno) {
        Errno e = Errno.of(errno);
        return e == null ? (Object) errno : e;
    }

    /**
     * {@code dm_check_version}: accepts {@code version[0] == 4 && version[1] <= 16} and rewrites the
     * array to {@code [4, 16, 0]}; otherwise EIO, dictionary untouched. A missing array or element
     * counts as 0.
     */
    Errno checkVersion(PropDictionary dict) {
        PropArray ver = dict.getArray(NetbsdDm.DM_IOCTL_VERSION);
        long[] v = new long[3];
        for (int i = 0; i < 3; i++) {
            v[i] = ver == null ? 0 : ver.getUint32(i).orElse(0);
        }
        if (v[0] != NetbsdDm.DM_VERSION_MAJOR || v[1] > NetbsdDm.DM_VERSION_MINOR) {
            trace(1, CHECK_VERSION, v[0], v[1], v[2], Errno.EIO);
            return Errno.EIO;
        }
        ver.setUint32(0, NetbsdDm.DM_VERSION_MAJOR);
        ver.setUint32(1, NetbsdDm.DM_VERSION_MINOR);
        ver.setUint32(2, NetbsdDm.DM_VERSION_PATCHLEVEL);
        dict.set(NetbsdDm.DM_IOCTL_VERSION, ver);
        trace(1, CHECK_VERSION, v[0], v[1], v[2], Errno.NONE);
        return Errno.NONE;
    }

    /** {@code dm_cmd_to_fun}: finds the command, checks privilege, runs the handler. */
    Errno cmdToFun(PropDictionary dict, boolean privileged) {
        PropObject c = dict.get(NetbsdDm.DM_IOCTL_COMMAND);
        if (c == null) {
            trace(1, NO_COMMAND, Errno.EINVAL);
            return Errno.EINVAL;
        }
        String command = DmIoctlUtil.cstr(dict, NetbsdDm.DM_IOCTL_COMMAND);
        DmCommandTable.CmdFunction found = null;
        for (DmCommandTable.CmdFunction f : cmdFn) {
            if (f.cmd().equals(command)) {
                found = f;
                break;
            }
        }
        if ((found == null || !found.allowed()) && !privileged) {
            trace(1, KAUTH_REFUSED, command, Errno.EPERM);
            return Errno.EPERM;
        }
        if (found == null) {
            trace(1, UNKNOWN_COMMAND, command, Errno.EINVAL);
            return Errno.EINVAL;
        }
        if (found.fn() == null) {
            trace(1, NO_HANDLER);
            return Errno.NONE;
        }
        trace(1, CMD_TO_FUN, command, found.cName());
        Errno e = found.fn().handle(this, dict);
        if (trace != null) {
            trace.emit(2, found.returns(), e.number(), e);
        }
        return e;
    }

    // ------------------------------------------------------------------ disk ioctls

    /**
     * {@code disk_ioctl_switch(dev, cmd, data)} for a dm minor &gt; 0 ({@link DmDiskIoctl}).
     */
    public IoctlResult diskIoctlSwitch(long minor, long cmd, byte[] data) {
        return DmDiskIoctl.diskIoctlSwitch(this, minor, cmd, data);
    }

    /**
     * DIOCCACHESYNC on a dm device: every active entry's sync hook, errors ignored. The table is
     * held as a reader (as dmstrategy holds it), not under the kernel lock: an fsync of a slow
     * host disk delays no other ioctl.
     */
    public void cacheSync(DmDev dmv) {
        DmReaders.Slot r = readers.free();
        if (r == null) {
            return; // nested deeper than MAX_STACK dm devices (a table cycle)
        }
        DmTable t = dmv.tableHead.acquireActive(r);
        try {
            for (DmTableEntry en : t.entries) {
                en.target.sync(en);
            }
        } finally {
            DmTableHead.release(r);
        }
    }

    /** The reader slots of this kernel (tests). */
    DmReaders readers() {
        return readers;
    }

    /** {@code dmgetproperties}: rebuilds {@code dk_info} from the active table (resume). */
    public void getProperties(DmDev dmv) {
        DmDiskIoctl.getProperties(dmv);
    }

    /**
     * {@code getdisksize(vp)} on a dm device's block vnode (subr_disk.c): {@code DIOCGWEDGEINFO}
     * gives {@code dkw_size} (the active table's sectors, {@code dm_table_disksize}) and the
     * sector size is {@code DEV_BSIZE << dk_blkshift} of the dm disk; a size of 0 makes
     * getdisksize fail with EINVAL, and dm_pdev_insert (which ignores the error) keeps
     * {@code pdev_numsec} and {@code pdev_secsize} at 0. Returns {numsec, secsize}.
     */
    long[] getdisksize(DmDev dmv) {
        synchronized (lock) {
            long numsec = dmv.tableHead.disksize()[1];
            if (numsec == 0) {
                return new long[] {0, 0};
            }
            return new long[] {numsec, (long) Buf.DEV_BSIZE << dmv.blkshift};
        }
    }

    // ------------------------------------------------------------------ open/close/size

    /** {@code dmopen}: sets the open bit if the minor exists; always succeeds. */
    public void open(long minor, int bit) {
        synchronized (lock) {
            DmDev d = devs.byMinor(minor);
            if (d != null) {
                d.openMask |= bit;
            }
        }
    }

    /** {@code dmclose}: clears the open bit (the first close clears it for every opener). */
    public void close(long minor, int bit) {
        synchronized (lock) {
            DmDev d = devs.byMinor(minor);
            if (d != null) {
                d.openMask &= ~bit;
            }
        }
    }

    /** {@code dmsize}: Σ active lengths as an int, or −ENOENT. */
    public int dmsize(long minor) {
        synchronized (lock) {
            DmDev d = devs.byMinor(minor);
            return d == null ? -Errno.ENOENT.number() : (int) d.tableHead.size();
        }
    }

    /** The names of devices with a non-empty active table, in minor order. */
    public List<String> activeNames() {
        synchronized (lock) {
            return devs.all().stream().filter(d -> d.tableHead.count(false) > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.minor, b.minor)).map(d -> d.name).toList();
        }
    }

    // ------------------------------------------------------------------ dmstrategy

    /**
     * How many dm devices one I/O may pass through. NetBSD has no limit: a table that maps a
     * device onto itself (directly or through others) recurses through dmstrategy until the
     * kernel stack overflows (a panic). Here the I/O fails with EIO instead.
     */
    public static final int MAX_STACK = 32;
    /**
     * {@code dmstrategy(bp)} for the device {@code dmv} (null: the minor does not exist): see
     * {@link DmStrategy}. No exception and no allocation (with tracing off).
     */
    public void dmstrategy(DmDev dmv, Buf bp, String path) {
        strategy.dmstrategy(dmv, bp, path);
    }

    /** {@code dmstrategy} of a dm device reached as another table's component (a stacked pdev). */
    void dmstrategyStacked(DmDev lower, Buf bp, String path, int depth) {
        strategy.stacked(lower, bp, path, depth);
    }

    // trace points
    private static final TracePoint DMIOCTL = TracePoint.of("dmioctl", "dmioctl {path} cmd 0x{cmd:x} pref_len {pref_len}");
    private static final TracePoint NOT_DM_IOCTL = TracePoint.of("dmioctl", "cmd is not NETBSD_DM_IOCTL -> {error}");
    private static final TracePoint COPYIN_FAILED = TracePoint.of("prop_dictionary_copyin_ioctl",
            "prop_dictionary_copyin_ioctl: {reason} -> {error}");
    private static final TracePoint COPYIN = TracePoint.of("prop_dictionary_copyin_ioctl",
            "prop_dictionary_copyin_ioctl: {pref_len} bytes -> dictionary of {keys} keys");
    private static final TracePoint COPYOUT_FAILED = TracePoint.of("prop_dictionary_copyout_ioctl",
            "prop_dictionary_copyout_ioctl: {error}");
    private static final TracePoint COPYOUT = TracePoint.of("prop_dictionary_copyout_ioctl",
            "prop_dictionary_copyout_ioctl: {bytes} bytes (NUL included)");
    private static final TracePoint RETURN_STRICT = TracePoint.of("return",
            "return {errno} (strict errno: the handler's error)");
    private static final TracePoint RETURN = TracePoint.of("return",
            "return 0 (handler error {errno}{error? {error}} is visible only in the reply)");
    private static final TracePoint CHECK_VERSION = TracePoint.of("dm_check_version",
            "dm_check_version: requested {major}.{minor}.{patchlevel}, kernel 4.16.0 -> {error?{error}|ok}");
    private static final TracePoint NO_COMMAND = TracePoint.of("dm_cmd_to_fun", "dm_cmd_to_fun: no command -> {error}");
    private static final TracePoint KAUTH_REFUSED = TracePoint.of("dm_cmd_to_fun",
            "dm_cmd_to_fun: command {command?{command:q}|(not a string)}: kauth KAUTH_SYSTEM_DEVMAPPER refused -> {error}");
    private static final TracePoint UNKNOWN_COMMAND = TracePoint.of("dm_cmd_to_fun",
            "dm_cmd_to_fun: unknown command {command?{command:q}|(not a string)} -> {error}");
    private static final TracePoint NO_HANDLER = TracePoint.of("dm_cmd_to_fun", "dm_cmd_to_fun: command \"version\": no handler");
    private static final TracePoint CMD_TO_FUN = TracePoint.of("dm_cmd_to_fun",
            "dm_cmd_to_fun: command {command:q} -> {handler}");
}
