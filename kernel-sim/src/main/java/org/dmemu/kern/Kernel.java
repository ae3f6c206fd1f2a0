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
 * 0), {@code /dev/mapper/NAME} for each dm device listed now (block), and for every disk unit
 * registered at boot its 16 block nodes {@code /dev/wd1a}…{@code /dev/wd1p} and character nodes
 * {@code /dev/rwd1a}…{@code /dev/rwd1p}. No host path is ever reachable.
 *
 * <p>Differences from NetBSD: see docs/differences.md; the caller is root unless
 * {@link #setPrivileged(boolean)} says otherwise.
 */
public final class Kernel implements AutoCloseable {
    /** The control node. */
    public static final String CONTROL = "/dev/mapper/control";
    /** The prefix of dm device nodes. */
    public static final String MAPPER = "/dev/mapper/";

    private final KernelConfig config;
    private final Map<String, Disk> disks = new LinkedHashMap<>();
    private final DeviceMapper dm;
    private volatile boolean privileged = true;

    private Kernel(KernelConfig config, DiskLabelSource labels) throws IOException {
        this.config = config;
        Trace trace = config.trace() == null ? null : new Trace(config.trace());
        for (String t : config.extraTargets()) {
            if (!DmTargetList.EXTRAS.contains(t)) {
                throw new IllegalArgumentException("unknown extra target '" + t + "' (known: delay, flakey)");
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
        DmPdevList pdevs = new DmPdevList(this::resolveBlock);
        this.dm = new DeviceMapper(DmTargetList.builtins(config.extraTargets()), pdevs, trace, config.strictErrno());
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

    /** A parsed disk node: the disk, partition and whether it is the raw (character) node. */
    private record DiskNode(Disk disk, int part, boolean raw) {
    }

    private DiskNode diskNode(String path) {
        if (!path.startsWith("/dev/") || path.length() < 8) {
            return null;
        }
        String n = path.substring(5);
        boolean raw = false;
        if (n.startsWith("r") && !disks.containsKey(n.substring(0, n.length() - 1))) {
            raw = true;
            n = n.substring(1);
        }
        char letter = n.charAt(n.length() - 1);
        int part = letter - 'a';
        if (part < 0 || part >= Disk.MAXPARTITIONS) {
            return null;
        }
        Disk d = disks.get(n.substring(0, n.length() - 1));
        return d == null ? null : new DiskNode(d, part, raw);
    }

    /**
     * What {@code namei} makes of {@code path} in the emulated file system: relative paths
     * start at {@code /} (the emulated process's working directory), empty and {@code .}
     * components vanish, {@code ..} goes up (never above {@code /}). There are no symbolic
     * links. Null for an empty path.
     */
    static String namei(String path) {
        if (path.isEmpty()) {
            return null;
        }
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** vn_bdev_openpath's lookup: the path through {@link #namei}, then only block disk nodes. */
    private DmPdevList.Node resolveBlock(String path) {
        String canonical = namei(path);
        if (canonical == null) {
            return null;
        }
        DiskNode n = diskNode(canonical);
        return n == null || n.raw ? null : new DmPdevList.Node(n.disk, n.part);
    }

    private long dmMinor(String devPath) {
        if (devPath.equals(CONTROL)) {
            return 0;
        }
        if (devPath.startsWith(MAPPER)) {
            String name = DmIoctlUtil.fromText(devPath.substring(MAPPER.length()));
            if (name.isEmpty()) {
                return -1;
            }
            synchronized (dm.lock()) {
                DmDev d = dm.devs().byName(name);
                return d == null ? -1 : d.minor;
            }
        }
        return -1;
    }

    /**
     * {@code ioctl(fd, cmd, &pref)} on an open node ({@code /dev/mapper/control} or a dm disk):
     * {@code plist} is what {@code pref_plist} points at and {@code prefLen} is {@code pref_len}.
     * On a dm disk node, disk ioctls ({@code DIOC*}) are answered first ({@code plist} is then
     * the argument buffer). On a disk node ({@code /dev/wd1d}), the disk's ioctls.
     * A path that is no node of the emulated /dev → ENOENT (the open fails).
     */
    public IoctlResult ioctl(String devPath, long cmd, byte[] plist, long prefLen) {
        long minor = dmMinor(devPath);
        if (minor >= 0) {
            return dm.dmioctl(devPath, minor, cmd, plist, prefLen, privileged);
        }
        DiskNode n = diskNode(devPath);
        if (n == null) {
            return new IoctlResult(Errno.ENOENT.number(), new byte[0]);
        }
        Errno open = n.disk.open(n.part);
        if (open != Errno.NONE) {
            return new IoctlResult(open.number(), new byte[0]);
        }
        return diskIoctl(n.disk, n.part, cmd, plist);
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
     * Opens a block device node of the emulated {@code /dev} ({@code /dev/mapper/NAME},
     * {@code /dev/wd1a}, {@code /dev/rwd1d} …).
     *
     * @throws KernelException with ENOENT/ENXIO if no such node or device exists
     */
    public DiskHandle open(String devPath) throws KernelException {
        long minor = dmMinor(devPath);
        if (minor >= 0) {
            DmDev dev;
            synchronized (dm.lock()) {
                dev = minor == 0 ? null : dm.devs().byMinor(minor);
            }
            dm.open(minor, DmDev.OPEN_BLK);
            return new DmHandle(devPath, minor, dev);
        }
        DiskNode n = diskNode(devPath);
        if (n == null) {
            throw new KernelException(Errno.ENOENT, devPath + ": no such device node");
        }
        Errno e = n.disk.open(n.part);
        if (e != Errno.NONE) {
            throw new KernelException(e, devPath + ": partition not configured");
        }
        return new PartHandle(devPath, n.disk, n.part);
    }

    /** The names of the dm devices that have an active table now, in minor order. */
    public List<String> activeDmNames() {
        List<String> out = new ArrayList<>();
        for (String s : dm.activeNames()) {
            out.add(DmIoctlUtil.toText(s));
        }
        return out;
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
        private boolean closed;

        DmHandle(String path, long minor, DmDev dev) {
            this.path = path;
            this.minor = minor;
            this.dev = dev;
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
            long first = offset >> Buf.DEV_BSHIFT;
            long last = (offset + length + Buf.DEV_BSIZE - 1) >> Buf.DEV_BSHIFT;
            Extents whole = new Extents(1 << 16);
            Errno e = DmBlockOps.blockStatus(dev, first, last - first, whole);
            if (e != Errno.NONE) {
                return e;
            }
            whole.clip(offset - (first << Buf.DEV_BSHIFT), length);
            for (int i = 0; i < whole.count(); i++) {
                out.add(whole.length(i), whole.flags(i));
            }
            return Errno.NONE;
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
                dm.close(minor, DmDev.OPEN_BLK);
            }
        }
    }

    /** An open disk partition node. */
    private static final class PartHandle implements DiskHandle {
        private final String path;
        private final Disk disk;
        private final int part;

        PartHandle(String path, Disk disk, int part) {
            this.path = path;
            this.disk = disk;
            this.part = part;
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
            long first = offset >> Buf.DEV_BSHIFT;
            long last = (offset + length + Buf.DEV_BSIZE - 1) >> Buf.DEV_BSHIFT;
            Extents whole = new Extents(1 << 16);
            Errno e = disk.blockStatus(part, first, last - first, whole);
            if (e != Errno.NONE) {
                return e;
            }
            whole.clip(offset - (first << Buf.DEV_BSHIFT), length);
            for (int i = 0; i < whole.count(); i++) {
                out.add(whole.length(i), whole.flags(i));
            }
            return Errno.NONE;
        }

        @Override
        public void close() {
        }
    }
}
