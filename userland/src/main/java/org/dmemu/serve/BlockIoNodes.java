package org.dmemu.serve;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.dev.dm.ioctl.DmIoctlUtil;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * The device nodes of the emulated {@code /dev} that the block-I/O socket serves, as
 * {@code namei} + {@code VOP_GETATTR} and {@code spec_open} see them:
 * {@code /dev/mapper/control} (character, dm major, minor 0), {@code /dev/mapper/NAME} (block,
 * dm block major 169, the device's minor), {@code /dev/rmapper/NAME} (character, dm character
 * major 194), and every disk unit's {@code /dev/wd1a}…{@code p} (block) and
 * {@code /dev/rwd1a}…{@code p} (character), minor {@code unit × 16 + partition}.
 *
 * <p>Opens go through {@link Kernel#open}, so the kernel's open rules apply; the character node
 * of a dm device, which {@code Kernel} does not model, is opened here with {@code dmopen}'s
 * character bit ({@link RawDm}).
 *
 * <p>Differences from NetBSD: {@code /dev/rmapper/NAME} is served though NetBSD's libdm only
 * makes {@code /dev/mapper/NAME} nodes (a convenience for raw I/O through physio).
 */
final class BlockIoNodes {
    /** The prefix of the dm character nodes. */
    static final String RMAPPER = "/dev/rmapper/";

    /** What {@code stat} reports: block or character, NetBSD major and minor. */
    record Node(int type, long major, long minor, boolean raw) {
    }

    private final Kernel kernel;

    BlockIoNodes(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The node at {@code path}, or null when the emulated /dev has none there (ENOENT). */
    Node lookup(String path) {
        if (path.equals(Kernel.CONTROL)) {
            return new Node(BlockIoProto.TYPE_CHR, NetbsdDm.DM_CMAJOR, 0, true);
        }
        if (path.startsWith(Kernel.MAPPER) || path.startsWith(RMAPPER)) {
            boolean raw = path.startsWith(RMAPPER);
            DmDev d = dmDev(path.substring(raw ? RMAPPER.length() : Kernel.MAPPER.length()));
            if (d == null) {
                return null;
            }
            return raw ? new Node(BlockIoProto.TYPE_CHR, NetbsdDm.DM_CMAJOR, d.minor, true)
                    : new Node(BlockIoProto.TYPE_BLK, NetbsdDm.DM_BMAJOR, d.minor, false);
        }
        if (!path.startsWith("/dev/") || path.indexOf('/', 5) >= 0 || path.length() < 7) {
            return null;
        }
        String n = path.substring(5);
        int part = n.charAt(n.length() - 1) - 'a';
        if (part < 0 || part >= Disk.MAXPARTITIONS) {
            return null;
        }
        String unit = n.substring(0, n.length() - 1);
        Disk d = disk(unit);
        boolean raw = false;
        if (d == null && unit.startsWith("r")) {
            d = disk(unit.substring(1));
            raw = true;
        }
        if (d == null) {
            return null;
        }
        long minor = (long) d.unit() * Disk.MAXPARTITIONS + part;
        return raw ? new Node(BlockIoProto.TYPE_CHR, d.driver().cmajor(), minor, true)
                : new Node(BlockIoProto.TYPE_BLK, d.driver().bmajor(), minor, false);
    }

    private Disk disk(String unit) {
        for (Disk d : kernel.disks()) {
            if (d.name().equals(unit)) {
                return d;
            }
        }
        return null;
    }

    private DmDev dmDev(String text) {
        String name = DmIoctlUtil.fromText(text);
        if (name.isEmpty() || text.equals("control")) {
            return null;
        }
        DeviceMapper dm = kernel.deviceMapper();
        synchronized (dm.lock()) {
            return dm.devs().byName(name);
        }
    }

    /**
     * {@code spec_open} of a disk node: the dm block node and the disk nodes through
     * {@link Kernel#open}, the dm character node through {@link RawDm}. The control node is not
     * opened here (its ioctls go to the control socket): ENXIO.
     */
    DiskHandle open(String path, Node node) throws KernelException {
        if (path.equals(Kernel.CONTROL)) {
            throw new KernelException(Errno.ENXIO, path + ": the control node is served by the control socket");
        }
        if (path.startsWith(RMAPPER)) {
            DmDev d = dmDev(path.substring(RMAPPER.length()));
            if (d == null) {
                throw new KernelException(Errno.ENOENT, path + ": no such device node");
            }
            return new RawDm(kernel.deviceMapper(), d, path);
        }
        return kernel.open(path);
    }

    /**
     * The character node of a dm device: {@code dmopen} with the character bit, {@code dmread}/
     * {@code dmwrite} reach {@code dmstrategy} through physio, {@code dmioctl}'s disk switch.
     */
    private static final class RawDm implements DiskHandle {
        private final DeviceMapper dm;
        private final DmDev dev;
        private final String path;
        private boolean closed;

        RawDm(DeviceMapper dm, DmDev dev, String path) {
            this.dm = dm;
            this.dev = dev;
            this.path = path;
            dm.open(dev.minor, DmDev.OPEN_CHR);
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
            IoctlResult r = dm.diskIoctlSwitch(dev.minor, org.dmemu.dev.disk.Dkio.DIOCGMEDIASIZE, null);
            return r.errno() == 0 ? org.dmemu.dev.disk.Dkio.getLE(r.out(), 0, 8) : 0;
        }

        @Override
        public int sectorSize() {
            IoctlResult r = dm.diskIoctlSwitch(dev.minor, org.dmemu.dev.disk.Dkio.DIOCGSECTORSIZE, null);
            return r.errno() == 0 ? (int) org.dmemu.dev.disk.Dkio.getLE(r.out(), 0, 4) : 0;
        }

        @Override
        public Errno cacheSync() {
            return Errno.of(dm.diskIoctlSwitch(dev.minor, org.dmemu.dev.disk.Dkio.DIOCCACHESYNC, null).errno());
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] arg) {
            return dm.diskIoctlSwitch(dev.minor, cmd, arg);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                dm.close(dev.minor, DmDev.OPEN_CHR);
            }
        }
    }
}
