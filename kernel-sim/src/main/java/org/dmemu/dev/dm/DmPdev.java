package org.dmemu.dev.dm;

import org.dmemu.dev.disk.Disk;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates {@code struct dm_pdev} (dm.h 1.56, dm_pdev.c 1.23): a physical device a table entry
 * maps onto, opened by path ({@code vn_bdev_openpath}), shared and reference counted between
 * entries, closed ({@code vn_close}) when the last reference goes.
 *
 * <p>The "vnode" is either a partition of an emulated {@link Disk} ({@code /dev/wd1a}) or
 * another dm device ({@code /dev/mapper/NAME}: stacking, {@link #lower()}).
 * {@code pdev_numsec}/{@code pdev_secsize} are what {@code getdisksize} found at open time:
 * for a disk partition its label's size and the disk's sector size; for a dm device the
 * {@code DIOCGWEDGEINFO} size (the active table's sectors) and {@code DEV_BSIZE << dk_blkshift},
 * both 0 when that size is 0 (getdisksize fails with EINVAL and dm_pdev_insert ignores it,
 * keeping the zeroed fields).
 *
 * <p>Differences from NetBSD: I/O is issued synchronously to the strategy routine.
 */
public final class DmPdev {
    /** {@code name[32]}: the path as given, cut to 31 characters. */
    final String name;
    /** {@code udev_name}: {@code "major:minor"} of the block device, decimal. */
    final String udevName;
    /** {@code v_rdev}: the NetBSD dev_t. */
    final long dev;
    /** The disk of a partition pdev, null for a dm device. */
    final Disk disk;
    final int part;
    /** The dm device of a stacked pdev, null for a disk partition. */
    final DmDev lower;
    private final DeviceMapper dm;
    /** {@code vn_close}: the specfs close of the block device. */
    private final Runnable vnClose;
    /** {@code pdev_numsec}. */
    final long numsec;
    /** {@code pdev_secsize}. */
    final int secsize;
    /** {@code ref_cnt}. */
    int refCnt;

    DmPdev(String name, long dev, Disk disk, int part, DmDev lower, DeviceMapper dm, Runnable vnClose,
            long numsec, int secsize) {
        this.name = name;
        this.udevName = org.dmemu.sys.Dev.major(dev) + ":" + org.dmemu.sys.Dev.minor(dev);
        this.dev = dev;
        this.disk = disk;
        this.part = part;
        this.lower = lower;
        this.dm = dm;
        this.vnClose = vnClose;
        this.numsec = numsec;
        this.secsize = secsize;
        this.refCnt = 1;
    }

    /** {@code udev_name}: {@code "0:16"} for wd1a on amd64. */
    public String udevName() {
        return udevName;
    }

    /** The dev_t of the block device. */
    public long dev() {
        return dev;
    }

    public String name() {
        return name;
    }

    public int secsize() {
        return secsize;
    }

    public long numsec() {
        return numsec;
    }

    /** The dm device under this pdev (stacking), or null for a disk partition. */
    public DmDev lower() {
        return lower;
    }

    /** The disk of a partition pdev, or null for a dm device. */
    public Disk disk() {
        return disk;
    }

    /** The partition number of a disk pdev. */
    public int part() {
        return part;
    }

    /** {@code ref_cnt} (tests). */
    public int refCount() {
        return refCnt;
    }

    /**
     * {@code VOP_STRATEGY(pdev_vnode, bp)}: the disk's strategy on this partition, or the lower
     * dm device's {@code dmstrategy}.
     */
    public void strategy(Buf bp, int depth) {
        Disk d = disk;
        if (d != null) {
            d.strategy(part, bp, depth);
        } else {
            if (dm.tracing()) {
                dm.trace(depth, VOP_STRATEGY, name, udevName, lower.name());
            }
            dm.dmstrategyStacked(lower, bp, name, depth + 1);
        }
    }

    /**
     * {@code VOP_FDISCARD} on the pdev's vnode, as {@code spec_fdiscard} passes it to the disk's
     * {@code d_discard}: {@code count} DEV_BSIZE blocks from {@code blkno} (see
     * {@link Disk#discard}).
     */
    public Errno discard(long blkno, long count) {
        return disk.discard(part, blkno, count);
    }

    /** The block status of {@code count} blocks from {@code blkno} (see {@link Disk#blockStatus}). */
    public Errno blockStatus(long blkno, long count, org.dmemu.sys.Extents out) {
        return disk.blockStatus(part, blkno, count, out);
    }

    /** {@code VOP_IOCTL(pdev_vnode, DIOCCACHESYNC, …)}. */
    public Errno sync() {
        if (disk != null) {
            return disk.cacheSync();
        }
        dm.cacheSync(lower);
        return Errno.NONE;
    }

    /**
     * The sync hook of a target over several components: DIOCCACHESYNC on each, in order; the
     * first failure is the answer (every component is still synced).
     */
    public static Errno syncAll(Iterable<DmPdev> pdevs) {
        Errno r = Errno.NONE;
        for (DmPdev p : pdevs) {
            Errno e = p.sync();
            if (r == Errno.NONE) {
                r = e;
            }
        }
        return r;
    }

    /** The secsize hook of a target over several components: the largest component sector size. */
    public static int maxSecsize(Iterable<DmPdev> pdevs) {
        int s = 0;
        for (DmPdev p : pdevs) {
            s = Math.max(s, p.secsize());
        }
        return s;
    }

    /** {@code vn_close(pdev_vnode, FREAD | FWRITE, …)}. */
    void close() {
        vnClose.run();
    }

    // trace points
    private static final TracePoint VOP_STRATEGY = TracePoint.of("VOP_STRATEGY",
            "VOP_STRATEGY {pdev} ({udev}): dmstrategy of the stacked device {device:q}");
}
