package org.dmemu.disklabel;

/**
 * The label side of one emulated disk unit, as a wd(4)-style driver keeps it: the in-core
 * label read at attach ({@code wdgetdisklabel()}), the {@link LabelSectorGuard}, the open
 * rule for partitions, the strategy bounds check and the disk ioctls ({@code wdioctl()} of
 * sys/dev/ata/wd.c with {@code disk_ioctl()} of sys/kern/subr_disk.c). kernel-sim only plumbs
 * device nodes, bufs and ioctl buffers to it.
 *
 * <p>Ioctl arguments are byte arrays in the amd64 layout ({@code int} = 4 bytes LE,
 * {@code off_t} = 8 bytes LE, {@code struct disklabel} = 408 bytes,
 * {@code struct partinfo} = 32 bytes).
 *
 * <p>Differences from NetBSD: the label is read once at construction (NetBSD rereads it on
 * first open unless DIOCKLABEL); there is no open mask, so {@code setdisklabel()} always gets
 * an empty mask (as every NetBSD disk driver passes); {@code DIOCGPARTINFO} reports the label
 * entry for every partition including the raw one and {@code pi_bsize} = 2048
 * ({@code BLKDEV_IOSIZE}).
 */
public final class LabelledDisk {
    /** {@code BLKDEV_IOSIZE}. */
    public static final int BLKDEV_IOSIZE = 2048;

    private final SectorDevice dev;
    private final String model;
    private final Disklabel label;
    private final DiskLabelReader.Result readResult;
    private final LabelSectorGuard guard = new LabelSectorGuard();

    /**
     * Attaches a disk: reads its label as the kernel does.
     *
     * @param dev   the whole disk
     * @param model the ATA model string used for a fabricated label's {@code d_typename}
     */
    public LabelledDisk(SectorDevice dev, String model) {
        this.dev = dev;
        this.model = model;
        this.readResult = DiskLabelReader.read(dev, DiskLabelReader.defaultLabel(model,
                dev.sectorCount()));
        this.label = readResult.label();
    }

    /** The in-core label (live: do not modify). */
    public Disklabel label() {
        return label;
    }

    /** How the label was obtained at attach. */
    public DiskLabelReader.Result readResult() {
        return readResult;
    }

    /** The DIOCWLABEL state and label-sector checks of this unit. */
    public LabelSectorGuard guard() {
        return guard;
    }

    /** The disk size in 512-byte sectors. */
    public long mediaSectors() {
        return dev.sectorCount();
    }

    /**
     * The open rule of {@code dk_open()}/{@code wdopen()}: a non-raw partition must exist in
     * the label and not be FS_UNUSED.
     *
     * @return 0 or {@link DiskIoctls#ENXIO}
     */
    public int openPart(int part) {
        if (part < 0 || part >= Disklabel.MAXPARTITIONS) {
            return DiskIoctls.ENXIO;
        }
        if (part != Disklabel.RAW_PART && (part >= label.npartitions
                || label.partitions[part].fstype() == FsType.UNUSED)) {
            return DiskIoctls.ENXIO;
        }
        return 0;
    }

    /**
     * The strategy routine's bounds check for a transfer on partition {@code part}
     * (see {@link LabelSectorGuard#check}).
     *
     * @return bytes to transfer (0 = EOF) or a negated errno (-EINVAL, -EROFS)
     */
    public int strategyCheck(int part, long blkno, int bcount, boolean read) {
        return guard.check(label, part, blkno, bcount, read, dev.sectorCount());
    }

    /** The absolute sector of block {@code blkno} of partition {@code part}. */
    public long physicalBlock(int part, long blkno) {
        return part == Disklabel.RAW_PART ? blkno : blkno + label.partitions[part].offset();
    }

    /**
     * Runs disk ioctl {@code cmd} on partition {@code part}.
     *
     * @param data   the argument buffer, at least {@link DiskIoctls#parmLen(long)} bytes;
     *               read for "in" commands, filled for "out" commands
     * @param fwrite whether the device was opened for writing (FWRITE)
     * @return 0 or a NetBSD errno: EBADF (write command on a read-only open), EINVAL/EBUSY
     *         (setdisklabel), ESRCH/EIO (writedisklabel), EFAULT (buffer too short), ENOTTY
     *         (unknown command)
     */
    public synchronized int ioctl(int part, long cmd, byte[] data, boolean fwrite) {
        if (DiskIoctls.name(cmd) == null) {
            return DiskIoctls.ENOTTY;
        }
        if (data == null || data.length < DiskIoctls.parmLen(cmd)) {
            return DiskIoctls.EFAULT;
        }
        if (cmd == DiskIoctls.DIOCGDINFO) {
            DisklabelCodec.encode(label, data, 0);
            return 0;
        } else if (cmd == DiskIoctls.DIOCGDEFLABEL) {
            DisklabelCodec.encode(DiskLabelReader.defaultLabel(model, dev.sectorCount()), data, 0);
            return 0;
        } else if (cmd == DiskIoctls.DIOCSDINFO || cmd == DiskIoctls.DIOCWDINFO) {
            if (!fwrite) {
                return DiskIoctls.EBADF;
            }
            Disklabel nlp = DisklabelCodec.decode(data, 0);
            guard.setLabelling(true);
            try {
                int error = SetDisklabel.setdisklabel(label, nlp, 0);
                if (error == 0 && cmd == DiskIoctls.DIOCWDINFO) {
                    error = DiskLabelReader.writeDisklabel(dev, label);
                }
                return error;
            } finally {
                guard.setLabelling(false);
            }
        } else if (cmd == DiskIoctls.DIOCWLABEL) {
            if (!fwrite) {
                return DiskIoctls.EBADF;
            }
            guard.setWlabel(DisklabelCodec.u32(data, 0) != 0);
            return 0;
        } else if (cmd == DiskIoctls.DIOCGPARTINFO) {
            DisklabelPartition p = label.partitions[part];
            java.util.Arrays.fill(data, 0, DiskIoctls.SIZEOF_PARTINFO, (byte) 0);
            DisklabelCodec.put32(data, 0, p.offset());
            DisklabelCodec.put32(data, 8, p.size());
            DisklabelCodec.put32(data, 16, SectorSource.DEV_BSIZE);
            DisklabelCodec.put32(data, 20, BLKDEV_IOSIZE);
            data[24] = (byte) p.fstype();
            data[25] = (byte) p.frag();
            DisklabelCodec.put16(data, 26, p.cpg());
            DisklabelCodec.put32(data, 28, p.fsize());
            return 0;
        } else if (cmd == DiskIoctls.DIOCGMEDIASIZE) {
            long bytes = dev.sectorCount() * SectorSource.DEV_BSIZE;
            DisklabelCodec.put32(data, 0, bytes & 0xFFFF_FFFFL);
            DisklabelCodec.put32(data, 4, bytes >>> 32);
            return 0;
        } else if (cmd == DiskIoctls.DIOCGSECTORSIZE) {
            DisklabelCodec.put32(data, 0, SectorSource.DEV_BSIZE);
            return 0;
        } else {
            // DIOCCACHESYNC: the emulated disks write through.
            return fwrite ? 0 : DiskIoctls.EBADF;
        }
    }
}
