package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.disk.DiskPartition;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * A disk partition of an emulated kernel as LVM2 on NetBSD sees it: the raw node
 * ({@code /dev/rwd1a}) it scans, read through the disk's strategy routine in whole sectors.
 *
 * <p>{@link #scanDevices} lists what LVM2's device scan would open: every configured partition
 * of every disk, in unit and partition order. Partitions of one disk that start at the same
 * sector show the same bytes (an unlabelled disk's fabricated label has {@code a} and the raw
 * {@code d} both covering the disk); only the first of them is scanned.
 *
 * <p>Differences from NetBSD: LVM2 would find such a PV twice and warn about a duplicate PV;
 * here the later partition is skipped silently.
 */
public final class KernelPvDevice implements PvDevice {
    private final DiskHandle handle;
    private final String raw;
    private final String block;
    private final long size;

    private KernelPvDevice(DiskHandle handle, String raw, String block) {
        this.handle = handle;
        this.raw = raw;
        this.block = block;
        this.size = handle.mediaSize();
    }

    /** The partitions of every disk of {@code kernel} that LVM2's scan would read. */
    public static List<PvDevice> scanDevices(Kernel kernel) {
        List<PvDevice> out = new ArrayList<>();
        for (Disk d : kernel.disks()) {
            DiskPartition[] parts = d.partitions();
            Set<Long> starts = new HashSet<>();
            for (int p = 0; p < parts.length; p++) {
                if (parts[p] == null || parts[p].size() == 0) {
                    continue;
                }
                long start = p == Disk.RAW_PART ? 0 : parts[p].offset();
                if (starts.contains(start)) {
                    continue;
                }
                String node = d.name() + (char) ('a' + p);
                try {
                    out.add(new KernelPvDevice(kernel.open("/dev/r" + node), "/dev/r" + node, "/dev/" + node));
                    starts.add(start);
                } catch (KernelException e) {
                    // a partition that cannot be opened (fstype unused) is no PV, as for LVM2's scan
                }
            }
        }
        return out;
    }

    @Override
    public String name() {
        return raw;
    }

    @Override
    public String blockName() {
        return block;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean read(long pos, byte[] b, int off, int len) {
        if (pos < 0 || len < 0 || pos + len > size) {
            return false;
        }
        long first = pos / Buf.DEV_BSIZE;
        long last = (pos + len + Buf.DEV_BSIZE - 1) / Buf.DEV_BSIZE;
        int n = (int) ((last - first) * Buf.DEV_BSIZE);
        byte[] tmp = new byte[n];
        Buf bp = new Buf();
        bp.setup(Buf.B_READ, first, tmp, 0, n);
        handle.strategy(bp);
        if (bp.error() != Errno.NONE || bp.resid() != 0) {
            return false;
        }
        System.arraycopy(tmp, (int) (pos - first * Buf.DEV_BSIZE), b, off, len);
        return true;
    }
}
