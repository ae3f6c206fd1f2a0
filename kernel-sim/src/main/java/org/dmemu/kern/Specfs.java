package org.dmemu.kern;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.dmemu.sys.Errno;

/**
 * Emulates the per-device open counts of sys/miscfs/specfs/spec_vnops.c (NetBSD 10):
 * {@code spec_open} and {@code spec_close} with {@code struct specdev}'s {@code sd_opencnt}.
 *
 * <p>Every device number (block and character devices have different majors, so different
 * numbers) has one count, shared by every vnode and every path that names it:
 * <ul>
 * <li>{@code VCHR}: any number of opens; the count goes up by one each time.</li>
 * <li>{@code VBLK}: "permit only one open" — if {@code sd_opencnt != 0} the open fails with
 *     EBUSY before the driver is called; else the count becomes 1. dm's pdevs go through the same
 *     rule ({@code dm_pdev_insert} → {@code vn_bdev_openpath} → {@code VOP_OPEN}), so a block
 *     device held by a table cannot be opened again, whatever the spelling of its path.</li>
 * <li>The count is raised before the driver's open ({@code bdev_open}/{@code cdev_open}) runs
 *     and lowered again if that open fails.</li>
 * <li>{@code spec_close}: the count goes down; the driver's close ({@code d_close}) runs only
 *     when it reaches 0 (the last close).</li>
 * </ul>
 *
 * <p>Differences from NetBSD: there are no mounts and no revoke, so {@code sd_mountpoint},
 * {@code sn_gone} and {@code sd_closing} never apply (a close completes at once). One lock stands
 * for {@code device_lock}; the driver's open and close run outside it, as in NetBSD.
 */
public final class Specfs {
    /** Keys: the dev_t, with bit 40 set for a block device. */
    private final Map<Long, Integer> opencnt = new HashMap<>();

    private static long key(long dev, boolean blk) {
        return dev | (blk ? 1L << 40 : 0);
    }

    /**
     * {@code spec_open} on device {@code dev}: the single-open rule for block devices, then
     * {@code dOpen} (the driver's open routine); its errno is returned and undoes the count.
     */
    public Errno open(long dev, boolean blk, Supplier<Errno> dOpen) {
        long k = key(dev, blk);
        synchronized (opencnt) {
            int n = opencnt.getOrDefault(k, 0);
            if (blk && n != 0) {
                return Errno.EBUSY;
            }
            opencnt.put(k, n + 1);
        }
        Errno e = dOpen.get();
        if (e != Errno.NONE) {
            synchronized (opencnt) {
                decrement(k);
            }
        }
        return e;
    }

    /** {@code spec_close}: one open fewer; {@code dClose} (the driver's close) runs at the last. */
    public void close(long dev, boolean blk, Runnable dClose) {
        boolean last;
        synchronized (opencnt) {
            last = decrement(key(dev, blk)) == 0;
        }
        if (last) {
            dClose.run();
        }
    }

    private int decrement(long k) {
        Integer n = opencnt.get(k);
        if (n == null) {
            return -1;
        }
        if (n <= 1) {
            opencnt.remove(k);
            return 0;
        }
        opencnt.put(k, n - 1);
        return n - 1;
    }

    /** {@code sd_opencnt} of a device (tests, lint). */
    public int openCount(long dev, boolean blk) {
        synchronized (opencnt) {
            return opencnt.getOrDefault(key(dev, blk), 0);
        }
    }
}
