package org.dmemu.kern;

import java.util.Map;
import java.util.function.ToLongFunction;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.sys.Dev;
import org.dmemu.sys.Errno;

/**
 * Emulates {@code namei} (sys/kern/vfs_lookup.c, NetBSD 10: {@code namei_oneroot},
 * {@code lookup_parsepath}, {@code lookup_once}) over the emulated file system, which holds:
 *
 * <pre>
 * /                      directory
 * /dev                   directory
 * /dev/wd1a … /dev/wd1p  block nodes of every disk unit (16 partitions)
 * /dev/rwd1a … /dev/rwd1p character (raw) nodes
 * /dev/mapper            directory
 * /dev/mapper/control    character node, dm minor 0
 * /dev/mapper/NAME       block node of each dm device (dm block major, its minor), as libdm and
 *                        LVM create them; it exists while the device exists
 * /dev/mapper/rNAME      character node of each dm device (LVM's raw node), unless a device is
 *                        itself named rNAME
 * /dev/rmapper/NAME      character node of each dm device (dmemu's unambiguous raw spelling)
 * </pre>
 *
 * <p>The walk: a path starting with {@code /} starts at the root, any other at the working
 * directory, which is {@code /}; empty components (repeated slashes) and {@code .} are skipped;
 * {@code ..} goes to the parent ({@code /..} is {@code /}). Every component is looked up in the
 * directory reached so far: if that is not a directory the lookup fails with ENOTDIR (so
 * {@code /dev/wd0a/../wd1a} is ENOTDIR, not {@code /dev/wd1a}); a name not in the directory is
 * ENOENT. A trailing slash requires the last object to be a directory (ENOTDIR otherwise). An
 * empty path is ENOENT; a path of {@code MAXPATHLEN} (1024) bytes or more, or a component longer
 * than {@code NAME_MAX} (255), is ENAMETOOLONG.
 *
 * <p>Differences from NetBSD: there are no symbolic links, no permissions and no other files;
 * {@code /dev/rmapper} is a dmemu addition (LVM's {@code /dev/mapper/rNAME} clashes with a
 * device named {@code rNAME}).
 */
final class Namei {
    /** {@code MAXPATHLEN}. */
    static final int MAXPATHLEN = 1024;
    /** {@code NAME_MAX}. */
    static final int NAME_MAX = 255;

    /** The type of a looked-up vnode. */
    enum VType {
        VDIR, VBLK, VCHR
    }

    /**
     * A looked-up object: a directory ({@code dir} is its canonical path), a disk partition node,
     * or a dm node ({@code dmMinor} ≥ 0; 0 is the control node).
     */
    record Vnode(VType type, String dir, long rdev, Disk disk, int part, long dmMinor) {
        static Vnode directory(String path) {
            return new Vnode(VType.VDIR, path, -1, null, 0, -1);
        }
    }

    private final Map<String, Disk> disks;
    /** A dm device's minor by its name (byte string), or -1. */
    private final ToLongFunction<String> dmMinorByName;

    /**
     * @param disks         the disk units by name ({@code wd1})
     * @param dmMinorByName the minor of the dm device with this name (as a byte string), or -1
     */
    Namei(Map<String, Disk> disks, ToLongFunction<String> dmMinorByName) {
        this.disks = disks;
        this.dmMinorByName = dmMinorByName;
    }

    /** Looks {@code path} up; throws with the errno namei would return. */
    Vnode lookup(String path) throws KernelException {
        if (path.isEmpty()) {
            throw new KernelException(Errno.ENOENT, "empty path");
        }
        if (path.length() >= MAXPATHLEN) {
            throw new KernelException(Errno.ENAMETOOLONG, "path of " + path.length() + " bytes");
        }
        boolean requireDir = path.endsWith("/");
        Vnode cur = Vnode.directory("/");
        String[] parts = path.split("/");
        for (String c : parts) {
            if (c.isEmpty()) {
                continue;
            }
            if (c.length() > NAME_MAX) {
                throw new KernelException(Errno.ENAMETOOLONG, "component of " + c.length() + " bytes");
            }
            if (cur.type() != VType.VDIR) {
                throw new KernelException(Errno.ENOTDIR, path + ": not a directory before '" + c + "'");
            }
            if (c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                String d = cur.dir();
                int slash = d.lastIndexOf('/');
                cur = Vnode.directory(slash <= 0 ? "/" : d.substring(0, slash));
                continue;
            }
            Vnode next = child(cur.dir(), c);
            if (next == null) {
                throw new KernelException(Errno.ENOENT, path + ": no such file or directory");
            }
            cur = next;
        }
        if (requireDir && cur.type() != VType.VDIR) {
            throw new KernelException(Errno.ENOTDIR, path + ": trailing slash after a non-directory");
        }
        return cur;
    }

    /** {@code VOP_LOOKUP(dir, name)}: the entry {@code name} of directory {@code dir}, or null. */
    private Vnode child(String dir, String name) {
        switch (dir) {
            case "/":
                return name.equals("dev") ? Vnode.directory("/dev") : null;
            case "/dev":
                if (name.equals("mapper") || name.equals("rmapper")) {
                    return Vnode.directory("/dev/" + name);
                }
                return diskNode(name);
            case "/dev/mapper":
                if (name.equals("control")) {
                    return dmNode(0, false);
                }
                long minor = dmMinorByName.applyAsLong(name);
                if (minor > 0) {
                    return dmNode(minor, false);
                }
                if (name.length() > 1 && name.charAt(0) == 'r') {
                    minor = dmMinorByName.applyAsLong(name.substring(1));
                    if (minor > 0) {
                        return dmNode(minor, true);
                    }
                }
                return null;
            case "/dev/rmapper":
                minor = dmMinorByName.applyAsLong(name);
                return minor > 0 ? dmNode(minor, true) : null;
            default:
                return null;
        }
    }

    private static Vnode dmNode(long minor, boolean raw) {
        long rdev = Dev.makedev(raw || minor == 0 ? NetbsdDm.DM_CMAJOR : NetbsdDm.DM_BMAJOR, minor);
        return new Vnode(raw || minor == 0 ? VType.VCHR : VType.VBLK, null, rdev, null, 0, minor);
    }

    /** {@code wd1a} (block) or {@code rwd1a} (raw) of a registered unit, or null. */
    private Vnode diskNode(String n) {
        if (n.length() < 2) {
            return null;
        }
        int part = n.charAt(n.length() - 1) - 'a';
        if (part < 0 || part >= Disk.MAXPARTITIONS) {
            return null;
        }
        String unit = n.substring(0, n.length() - 1);
        Disk d = disks.get(unit);
        boolean raw = false;
        if (d == null && unit.startsWith("r")) {
            d = disks.get(unit.substring(1));
            raw = true;
        }
        if (d == null) {
            return null;
        }
        return new Vnode(raw ? VType.VCHR : VType.VBLK, null, d.dev(part, raw), d, part, -1);
    }
}
