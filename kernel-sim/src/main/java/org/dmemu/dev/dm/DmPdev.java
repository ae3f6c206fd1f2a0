package org.dmemu.dev.dm;

import org.dmemu.dev.disk.Disk;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * Emulates {@code struct dm_pdev} (dm.h 1.56, dm_pdev.c 1.23): a physical device a table entry
 * maps onto, opened by path, shared and reference counted between entries.
 *
 * <p>Differences from NetBSD: the "vnode" is a partition of an emulated {@link Disk}; I/O is
 * issued synchronously to the disk's strategy routine.
 */
public final class DmPdev {
    /** {@code name[32]}: the path as given, cut to 31 characters. */
    final String name;
    /** {@code udev_name}: {@code "major:minor"} of the block device, decimal. */
    final String udevName;
    /** {@code v_rdev}: the NetBSD dev_t. */
    final long dev;
    final Disk disk;
    final int part;
    /** {@code pdev_numsec}. */
    final long numsec;
    /** {@code pdev_secsize}. */
    final int secsize;
    int refCnt;

    DmPdev(String name, String udevName, long dev, Disk disk, int part) {
        this.name = name;
        this.udevName = udevName;
        this.dev = dev;
        this.disk = disk;
        this.part = part;
        this.numsec = disk.partitionSize(part);
        this.secsize = disk.secsize();
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

    /** {@code VOP_STRATEGY(pdev_vnode, bp)}: the disk's strategy on this partition. */
    public void strategy(Buf bp, int depth) {
        disk.strategy(part, bp, depth);
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
        return disk.cacheSync();
    }
}
