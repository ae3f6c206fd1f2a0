package org.dmemu.kern;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.disk.DiskLabelSource;
import org.dmemu.dev.disk.Dkio;
import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmBlockOps;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.dev.dm.ioctl.DmIoctlUtil;
import org.dmemu.dev.dm.target.DmTargetList;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.Trace;

/**
 * One booted emulated NetBSD kernel: its disks, its dm driver, and its {@code /dev}.
 * This is the entry point the front ends (replay, serve, dmctl, benchmarks) use.
 *
 * <p>The emulated {@code /dev} holds exactly: {@code /dev/mapper/control} (dm character minor
 * 0), {@code /dev/mapper/NAME} (block), {@code /dev/mapper/rNAME} and {@code /dev/rmapper/NAME}
 * (character) for each dm device that exists now, and for every disk unit registered at boot
 * its 16 block nodes {@code /dev/wd1a}…{@code /dev/wd1p} and character nodes
 * {@code /dev/rwd1a}…{@code /dev/rwd1p}; paths are looked up by {@link Namei}. No host path is
 * ever reachable. Opens follow specfs ({@link Specfs}): one open of a block device at a time
 * (a table's pdev counts), any number of a character device.
 *
 * <p>Differences from NetBSD: see docs/differences.md; the caller is root unless
 * {@link #setPrivileged(boolean)} says otherwise.
 */
public final class Kernel implements AutoCloseable {
    /** The control node. */
    public static final String CONTROL = "/dev/mapper/control";
    /** The prefix of dm device nodes. */
    public static final String MAPPER = "/dev/mapper/";
    /** The prefix of dm raw (character) device nodes. */
    public static final String RMAPPER = "/dev/rmapper/";

    private final KernelConfig config;
    private final Map<String, Disk> disks = new LinkedHashMap<>();
    private final DeviceMapper dm;
    private final Specfs specfs = new Specfs();
    private final Namei namei;
    private volatile boolean privileged = true;

    private Kernel(KernelConfig config, DiskLabelSource labels) throws IOException {
        this.config = config;
        Trace trace = config.trace() == null ? null : new Trace(config.trace());
        for (String t : config.extraTargets()) {
            if (!DmTargetList.EXTRAS.contains(t)) {
                throw new IllegalArgumentException("unknown extra target '" + t + "' (known: delay, flakey, multipath, snapshot, mirror, crypt)");
            }
        }
        try {
            for (DiskSpec s : config.disks()) {
                Disk d = Disk.attach(s, labels, trace);
                if (disks.putIfAbsent(d.name(), d) != null) {
                    d.close();
                    throw new IllegalArgumentException("disk unit " + d.name() + " given twice");
                }
            }
        } catch (IOException | RuntimeException e) {
            disks.values().forEach(Disk::close);
            throw e;
        }
        this.namei = new Namei(disks, this::dmMinorByName);
        DmPdevList pdevs = new DmPdevList(this::bdevOpenpath);
        this.dm = new DeviceMapper(DmTargetList.builtins(config.extraTargets(), trace), pdevs, trace, config.strictErrno());
        dm.setStrictOffsets(config.strictOffsets());
        disks.values().forEach(d -> d.setLog(dm::log));
    }

    /** Boots a kernel with the given disks and options. */
    public static Kernel boot(KernelConfig config) throws IOException {
        return new Kernel(config, DiskLabelSource.DEFAULT);
    }

    /** Boots with another source of in-core disk labels (issue 4). */
    public static Kernel boot(KernelConfig config, DiskLabelSource labels) throws IOException {
        return new Kernel(config, labels);
    }

    public KernelConfig config() {
        return config;
    }

    /** The dm driver (tests, tools). */
    public DeviceMapper deviceMapper() {
        return dm;
    }

    /** The disk units in boot order. */
    public List<Disk> disks() {
        return List.copyOf(disks.values());
    }

    /** Whether the calling process passes {@code kauth_authorize_system(KAUTH_SYSTEM_DEVMAPPER)}. */
    public void setPrivileged(boolean privileged) {
        this.privileged = privileged;
    }

    /** {@code namei} over the emulated /dev; {@code path} is a byte string (see {@link Namei}). */
    private Namei.Vnode lookup(String path) throws KernelException {
        return namei.lookup(path);
    }

    /** The minor of the dm device named {@code name} (a byte string), or -1. */
    private long dmMinorByName(String name) {
        synchronized (dm.lock()) {
            DmDev d = dm.devs().byName(name);
            return d == null ? -1 : d.minor;
        }
    }

    /**
     * {@code vn_bdev_openpath} (vfs_vnops.c) for {@code dm_pdev_insert}: namei, ENOTBLK unless
     * the object is a block device node, then {@code VOP_OPEN} through {@link Specfs} (one open
     * of a block device). The path is the table's byte string.
     */
    private DmPdevList.Node bdevOpenpath(String path) {
        Namei.Vnode vp;
        try {
            vp = lookup(path);
        } catch (KernelException e) {
            return DmPdevList.Node.failed(e.errno());
        }
        if (vp.type() != Namei.VType.VBLK) {
            return DmPdevList.Node.failed(Errno.ENOTBLK);
        }
        long rdev = vp.rdev();
        if (vp.dmMinor() > 0) {
            long minor = vp.dmMinor();
            DmDev lower;
            synchronized (dm.lock()) {
                lower = dm.devs().byMinor(minor);
            }
            if (lower == null) {
                return DmPdevList.Node.failed(Errno.ENXIO);
            }
            Errno e = specfs.open(rdev, true, () -> dmopen(minor, DmDev.OPEN_BLK));
            return e != Errno.NONE ? DmPdevList.Node.failed(e) : new DmPdevList.Node(Errno.NONE, rdev, null, 0,
                    lower, () -> specfs.close(rdev, true, () -> dm.close(minor, DmDev.OPEN_BLK)));
        }
        Disk d = vp.disk();
        int part = vp.part();
        Errno e = specfs.open(rdev, true, () -> d.open(part));
        return e != Errno.NONE ? DmPdevList.Node.failed(e)
                : new DmPdevList.Node(Errno.NONE, rdev, d, part, null, () -> specfs.close(rdev, true, () -> { }));
    }

    private Errno dmopen(long minor, int bit) {
        dm.open(minor, bit);
        return Errno.NONE;
    }

    /**
     * {@code ioctl(fd, cmd, &pref)} on a node opened for the call ({@code /dev/mapper/control},
     * a dm device or a disk node): {@code plist} is what {@code pref_plist} points at and
     * {@code prefLen} is {@code pref_len}. On a dm device node, disk ioctls ({@code DIOC*}) are
     * answered first ({@code plist} is then the argument buffer). On a disk node
     * ({@code /dev/wd1d}), the disk's ioctls. The open follows NetBSD's rules (namei errors,
     * EBUSY for a block node already open, EISDIR for a directory): its errno is the result.
     */
    public IoctlResult ioctl(String devPath, long cmd, byte[] plist, long prefLen) {
        if (devPath.equals(CONTROL)) {
            return dm.dmioctl(devPath, 0, cmd, plist, prefLen, privileged);
        }
        DiskHandle h;
        try {
            h = open(devPath);
        } catch (KernelException e) {
            return new IoctlResult(e.errno().number(), new byte[0]);
        }
        try {
            if (h instanceof DmHandle dh) {
                return dm.dmioctl(devPath, dh.minor, cmd, plist, prefLen, privileged);
            }
            return h.ioctl(cmd, plist);
        } finally {
            h.close();
        }
    }

    /** The kernel's log (dmesg): messages such as the dm component-offset report. */
    public List<String> dmesg() {
        return dm.messages();
    }

    /**
     * A disk ioctl: the argument buffer is {@code IOCPARM_LEN(cmd)} bytes, copied in from
     * {@code arg} for IOC_IN commands and out (returned, and into {@code arg}) for IOC_OUT ones.
     */
    private static IoctlResult diskIoctl(Disk d, int part, long cmd, byte[] arg) {
        int len = org.dmemu.disklabel.DiskIoctls.parmLen(cmd);
        byte[] buf = new byte[Math.max(8, len)];
        if (arg != null && (cmd & org.dmemu.disklabel.DiskIoctls.IOC_IN) != 0) {
            System.arraycopy(arg, 0, buf, 0, Math.min(arg.length, len));
        }
        Errno e = d.ioctl(part, cmd, buf, true);
        if (e != Errno.NONE) {
            return new IoctlResult(e.number(), new byte[0]);
        }
        int n = (cmd & org.dmemu.disklabel.DiskIoctls.IOC_OUT) != 0 ? len : 0;
        byte[] out = java.util.Arrays.copyOf(buf, n);
        if (arg != null) {
            System.arraycopy(out, 0, arg, 0, Math.min(arg.length, n));
        }
        return new IoctlResult(0, out);
    }

    /**
     * {@code open(path, O_RDWR)} of a device node of the emulated {@code /dev}
     * ({@code /dev/mapper/NAME}, {@code /dev/rmapper/NAME}, {@code /dev/wd1a}, {@code /dev/rwd1d}
     * …): namei, then {@code spec_open}: a block node can be open once (EBUSY while a table or
     * another opener holds it), a raw node any number of times; then the driver's open (a disk
     * partition that does not exist: ENXIO).
     *
     * @throws KernelException with the errno of the failing step (ENOENT, ENOTDIR, EISDIR,
     *                         EBUSY, ENXIO, ENAMETOOLONG)
     */
    public DiskHandle open(String devPath) throws KernelException {
        Namei.Vnode vp = lookup(DmIoctlUtil.fromText(devPath));
        if (vp.type() == Namei.VType.VDIR) {
            throw new KernelException(Errno.EISDIR, devPath + ": is a directory");
        }
        boolean blk = vp.type() == Namei.VType.VBLK;
        long rdev = vp.rdev();
        if (vp.dmMinor() >= 0) {
            long minor = vp.dmMinor();
            int bit = blk ? DmDev.OPEN_BLK : DmDev.OPEN_CHR;
            DmDev dev;
            synchronized (dm.lock()) {
                dev = minor == 0 ? null : dm.devs().byMinor(minor);
            }
            Errno e = specfs.open(rdev, blk, () -> dmopen(minor, bit));
            if (e != Errno.NONE) {
                throw new KernelException(e, devPath + ": " + e.describe());
            }
            return new DmHandle(devPath, minor, dev, rdev, blk);
        }
        Disk d = vp.disk();
        int part = vp.part();
        Errno e = specfs.open(rdev, blk, () -> d.open(part));
        if (e != Errno.NONE) {
            throw new KernelException(e, devPath + (e == Errno.ENXIO ? ": partition not configured"
                    : ": " + e.describe()));
        }
        return new PartHandle(devPath, d, part, rdev, blk);
    }

    /** {@code spec_open}'s counts (tests, lint). */
    public Specfs specfs() {
        return specfs;
    }

    /** The names of the dm devices that have an active table now, in minor order. */
    public List<String> activeDmNames() {
        List<String> out = new ArrayList<>();
        for (String s : dm.activeNames()) {
            out.add(DmIoctlUtil.toText(s));
        }
        return out;
    }

    /**
     * The size in sectors (Σ lengths, as {@code dmsize}) of the active table of the dm device
     * that {@code h} has open — that device, whatever it is called now — or -1 if {@code h} is
     * not an open dm device or the device has no active table entries.
     */
    public long dmActiveSectors(DiskHandle h) {
        if (!(h instanceof DmHandle d) || d.dev == null) {
            return -1;
        }
        synchronized (dm.lock()) {
            if (!d.dev.listed() || d.dev.tableHead().count(false) == 0) {
                return -1;
            }
            return d.dev.tableHead().size();
        }
    }

    /** Flushes every disk's backing store and releases the disks. */
    @Override
    public void close() {
        for (Disk d : disks.values()) {
            d.close();
        }
    }

    /** An open dm device node. */
    private final class DmHandle implements DiskHandle {
        private final String path;
        private final long minor;
        private final DmDev dev;
        private final long rdev;
        private final boolean blk;
        private boolean closed;

        DmHandle(String path, long minor, DmDev dev, long rdev, boolean blk) {
            this.path = path;
            this.minor = minor;
            this.dev = dev;
            this.rdev = rdev;
            this.blk = blk;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public void strategy(Buf bp) {
            dm.dmstrategy(dev, bp, path);
        }

        @Override
        public long mediaSize() {
            IoctlResult r = dm.diskIoctlSwitch(minor, Dkio.DIOCGMEDIASIZE, null);
            return r.errno() == 0 ? Dkio.getLE(r.out(), 0, 8) : 0;
        }

        @Override
        public int sectorSize() {
            IoctlResult r = dm.diskIoctlSwitch(minor, Dkio.DIOCGSECTORSIZE, null);
            return r.errno() == 0 ? (int) Dkio.getLE(r.out(), 0, 4) : 0;
        }

        @Override
        public Errno cacheSync() {
            IoctlResult r = dm.diskIoctlSwitch(minor, Dkio.DIOCCACHESYNC, null);
            return Errno.of(r.errno());
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] arg) {
            IoctlResult r = minor == 0 ? new IoctlResult(Errno.ENOTTY.number(), new byte[0])
                    : dm.diskIoctlSwitch(minor, cmd, arg);
            return r;
        }

        @Override
        public Errno discard(long offset, long length) {
            return DmBlockOps.discard(dev, offset >> Buf.DEV_BSHIFT, length >> Buf.DEV_BSHIFT);
        }

        @Override
        public Errno blockStatus(long offset, long length, Extents out) {
            return byteStatus(offset, length, out,
                    (first, count, whole) -> DmBlockOps.blockStatus(dev, first, count, whole));
        }

        @Override
        public boolean readOnly() {
            return dev != null && (dev.flags() & NetbsdDm.DM_READONLY_FLAG) != 0;
        }

        @Override
        public long currentSize() {
            if (dev == null || !dev.listed()) {
                return 0;
            }
            synchronized (dm.lock()) {
                return dev.tableHead().size() << Buf.DEV_BSHIFT;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                int bit = blk ? DmDev.OPEN_BLK : DmDev.OPEN_CHR;
                specfs.close(rdev, blk, () -> dm.close(minor, bit));
            }
        }
    }

    /** An open disk partition node. */
    private final class PartHandle implements DiskHandle {
        private final String path;
        private final Disk disk;
        private final int part;
        private final long rdev;
        private final boolean blk;
        private boolean closed;

        PartHandle(String path, Disk disk, int part, long rdev, boolean blk) {
            this.path = path;
            this.disk = disk;
            this.part = part;
            this.rdev = rdev;
            this.blk = blk;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public void strategy(Buf bp) {
            disk.strategy(part, bp, 0);
        }

        @Override
        public long mediaSize() {
            return disk.mediaSize();
        }

        @Override
        public int sectorSize() {
            return disk.secsize();
        }

        @Override
        public Errno cacheSync() {
            return disk.cacheSync();
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] arg) {
            return diskIoctl(disk, part, cmd, arg);
        }

        @Override
        public Errno discard(long offset, long length) {
            return disk.discard(part, offset >> Buf.DEV_BSHIFT, length >> Buf.DEV_BSHIFT);
        }

        @Override
        public Errno blockStatus(long offset, long length, Extents out) {
            return byteStatus(offset, length, out,
                    (first, count, whole) -> disk.blockStatus(part, first, count, whole));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                specfs.close(rdev, blk, () -> { });
            }
        }
    }

    /** A block-status query in whole sectors ({@code first}, {@code count}). */
    private interface SectorStatus {
        Errno query(long first, long count, Extents out);
    }

    /**
     * A byte-range block status through a sector-granular query: the sectors covering
     * {@code [offset, offset + length)} are asked, and the answer is clipped to the byte range.
     */
    private static Errno byteStatus(long offset, long length, Extents out, SectorStatus q) {
        long first = offset >> Buf.DEV_BSHIFT;
        long last = (offset + length + Buf.DEV_BSIZE - 1) >> Buf.DEV_BSHIFT;
        Extents whole = new Extents(1 << 16);
        Errno e = q.query(first, last - first, whole);
        if (e != Errno.NONE) {
            return e;
        }
        whole.clip(offset - (first << Buf.DEV_BSHIFT), length);
        for (int i = 0; i < whole.count(); i++) {
            out.add(whole.length(i), whole.flags(i));
        }
        return Errno.NONE;
    }
}
