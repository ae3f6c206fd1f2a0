package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.dmemu.dev.disk.Disk;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates the pdev list of sys/dev/dm/dm_pdev.c (rev 1.23): {@code dm_pdev_lookup_name},
 * {@code dm_pdev_insert}, {@code dm_pdev_decr} (here {@link #release}).
 *
 * <p>{@code dm_pdev_insert(path)} first looks for a pdev whose stored name equals the path
 * <em>exactly</em> ({@code dm_pdev_lookup_name}: same length, same bytes) and only takes
 * another reference on it. Otherwise it opens the path with {@code vn_bdev_openpath}: namei in
 * the emulated file system, a block device node, then {@code VOP_OPEN}, where specfs allows one
 * open of a block device ({@code spec_open}: {@code sd_opencnt != 0} → EBUSY). So two spellings
 * of one node ({@code /dev//wd1d} and {@code /dev/wd1d}) are two opens of one block device: the
 * second fails with EBUSY, insert returns null and the target answers ENOENT. A path that is not a
 * block node (a character node, a host path such as {@code /etc/passwd}, a directory) fails the
 * same way; no host path can ever be reached. A dm device node ({@code /dev/mapper/NAME}) is a
 * block device like a disk: devices stack.
 *
 * <p>The opener (the kernel's {@code vn_bdev_openpath}) is given at construction; callers hold
 * the kernel's ioctl lock, which stands for {@code dm_pdev_mutex} (NetBSD also holds that mutex
 * across the open).
 *
 * <p>Differences from NetBSD: the emulated file system has no symbolic links and its working
 * directory is {@code /}.
 */
public final class DmPdevList {
    /**
     * What {@code vn_bdev_openpath} opened: the block device's dev_t and either a disk partition
     * or a dm device; {@code close} is its {@code vn_close}. On failure only {@code error} is set.
     */
    public record Node(Errno error, long dev, Disk disk, int part, DmDev lower, Runnable close) {
        /** A failed open. */
        public static Node failed(Errno e) {
            return new Node(e, -1, null, 0, null, null);
        }
    }

    private final List<DmPdev> list = new ArrayList<>();
    private final Function<String, Node> opener;
    private DeviceMapper dm;

    /** @param opener {@code vn_bdev_openpath}: opens an emulated block node path */
    public DmPdevList(Function<String, Node> opener) {
        this.opener = opener;
    }

    /** The driver whose devices stacked pdevs reach (set by {@link DeviceMapper}'s constructor). */
    void attach(DeviceMapper dm) {
        this.dm = dm;
    }

    /**
     * {@code dm_pdev_insert(path)}: the existing pdev whose stored name equals {@code path}
     * (reference +1), or a newly opened one, or null if the device cannot be opened.
     */
    public DmPdev insert(String path) {
        DmPdev p = lookupName(path);
        if (p != null) {
            p.refCnt++;
            return p;
        }
        Node n = opener.apply(path);
        if (n.error() != Errno.NONE) {
            if (dm != null) {
                dm.trace(3, OPEN_FAILED, path, n.error());
            }
            return null;
        }
        String stored = path.length() > 31 ? path.substring(0, 31) : path;
        long numsec;
        int secsize;
        if (n.disk() != null) {
            numsec = n.disk().partitionSize(n.part());
            secsize = n.disk().secsize();
        } else {
            long[] gs = dm.getdisksize(n.lower());
            numsec = gs[0];
            secsize = (int) gs[1];
        }
        p = new DmPdev(stored, n.dev(), n.disk(), n.part(), n.lower(), dm, n.close(), numsec, secsize);
        list.add(0, p);
        return p;
    }

    /**
     * {@code dm_pdev_lookup_name}: the pdev whose stored name has the same length and bytes as
     * {@code path} (a path longer than 31 characters never matches its cut stored name).
     */
    private DmPdev lookupName(String path) {
        for (DmPdev p : list) {
            if (p.name.equals(path)) {
                return p;
            }
        }
        return null;
    }

    /** {@link #release} of every component of a target over several (its destroy hook). */
    public void releaseAll(Iterable<DmPdev> ps) {
        for (DmPdev p : ps) {
            release(p);
        }
    }

    /**
     * {@code dm_pdev_decr(pdev)}: drops one reference; the last one unlinks the pdev and closes
     * its device ({@code dm_pdev_rem}: {@code vn_close}, which runs the driver's close when it
     * was the device's last open).
     */
    public void release(DmPdev p) {
        if (--p.refCnt == 0) {
            list.remove(p);
            p.close();
        }
    }

    /** The pdevs currently open, most recent first (tests). */
    public List<DmPdev> snapshot() {
        return List.copyOf(list);
    }

    // trace points
    private static final TracePoint OPEN_FAILED = TracePoint.of("dm_pdev_insert",
            "dm_pdev_insert: {path}: vn_bdev_openpath {error} -> NULL");
}
