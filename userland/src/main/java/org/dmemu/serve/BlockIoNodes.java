package org.dmemu.serve;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.dev.dm.ioctl.DmIoctlUtil;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Errno;

/**
 * The device nodes of the emulated {@code /dev} that the block-I/O socket serves, as
 * {@code namei} + {@code VOP_GETATTR} and {@code spec_open} see them:
 * {@code /dev/mapper/control} (character, dm major, minor 0), {@code /dev/mapper/NAME} (block,
 * dm block major 169, the device's minor), {@code /dev/rmapper/NAME} and {@code /dev/mapper/rNAME}
 * (character, dm character major 194), and every disk unit's {@code /dev/wd1a}…{@code p} (block) and
 * {@code /dev/rwd1a}…{@code p} (character), minor {@code unit × 16 + partition}.
 *
 * <p>Opens go through {@link Kernel#open}, so the kernel's namei and open rules apply.
 *
 * <p>Differences from NetBSD: {@code /dev/rmapper/NAME} is dmemu's spelling of a dm character
 * node (see Kernel); symbolic links do not exist.
 */
final class BlockIoNodes {
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
        if (path.startsWith(Kernel.MAPPER) || path.startsWith(Kernel.RMAPPER)) {
            boolean raw = path.startsWith(Kernel.RMAPPER);
            String name = path.substring(raw ? Kernel.RMAPPER.length() : Kernel.MAPPER.length());
            DmDev d = dmDev(name);
            if (d == null && !raw && name.startsWith("r")) {
                d = dmDev(name.substring(1)); // LVM's raw node /dev/mapper/rNAME
                raw = true;
            }
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
     * {@code open(2)} of a disk node: {@link Kernel#open} (namei and {@code spec_open}: a block
     * node opens once, a raw node any number of times). The control node is not opened here
     * (its ioctls go to the control socket): ENXIO.
     */
    DiskHandle open(String path) throws KernelException {
        if (path.equals(Kernel.CONTROL)) {
            throw new KernelException(Errno.ENXIO, path + ": the control node is served by the control socket");
        }
        return kernel.open(path);
    }

    /** The path with empty, {@code .} and {@code ..} components resolved lexically. */
    static String canonical(String path) {
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
}
