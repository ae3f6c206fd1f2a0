package org.dmemu.disklabel;

import java.io.IOException;

/**
 * Finds a disk's label where the NetBSD/amd64 kernel looks for it and builds the in-core
 * label: emulates {@code readdisklabel()}, {@code scan_mbr()}, {@code look_netbsd_part()},
 * {@code validate_label()} and {@code scan_iso_vrs()} of sys/kern/subr_disk_mbr.c rev 1.62,
 * {@code convertdisklabel()} of sys/kern/subr_disk.c, {@code xlat_mbr_fstype()} of
 * sys/lib/libkern/xlat_mbr_fstype.c and the driver's default label
 * ({@code wdgetdefaultlabel()}, sys/dev/ata/wd.c).
 *
 * <p>Search order: every primary (then chained logical) MBR entry; for a 0xA9 entry the 3
 * sectors from its start are scanned at 4-byte steps (so the usual hit is sector 1 of the
 * NetBSD partition, LBA 64 when it starts at 63); then the 3 sectors from LBA 0 (LBA 1 on a
 * disk without an MBR); then an ISO9660/UDF probe. The first candidate that passes
 * {@link DisklabelCodec#check} wins. Without a hit the default label stays, with the
 * MBR partitions recorded in {@code e}… as NetBSD does.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>No {@code COMPAT_386BSD_MBRPART} (0xA5 entries are treated as foreign partitions) and
 *       no {@code DISKLABEL_EI} (byte-swapped labels are skipped), as in a GENERIC amd64
 *       kernel.</li>
 *   <li>The ISO probe reads only the start of the disk (no MMC session walk).</li>
 *   <li>The Ontrack DM6 DDO redirection is followed once at most (NetBSD could loop).</li>
 *   <li>The result also says where the label was found and, for a fabricated label, why
 *       (the kernel only keeps a message string).</li>
 * </ul>
 */
public final class DiskLabelReader {
    /** {@code SCANBLOCKS}: sectors searched from each base. */
    public static final int SCANBLOCKS = 3;
    /** {@code MBR_LABELSECTOR}: where a new label goes inside a NetBSD MBR partition. */
    public static final int MBR_LABELSECTOR = 1;

    private static final int SCAN_CONTINUE = 0;
    private static final int SCAN_FOUND = 1;
    private static final int SCAN_ERROR = 2;

    private static final int READ_LABEL = 1;
    private static final int UPDATE_LABEL = 2;
    private static final int WRITE_LABEL = 3;

    /** Where the in-core label came from. */
    public enum Where {
        /** A label inside a NetBSD (0xA9) MBR partition. */
        MBR_PARTITION,
        /** A label in the 3 sectors from LBA 0. */
        DISK_START,
        /** An ISO9660 or UDF volume: the label is synthesised from it. */
        ISO,
        /** No label: the default label (with any MBR partitions recorded). */
        FABRICATED
    }

    /**
     * The outcome of {@link #read}.
     *
     * @param label       the in-core label, as the kernel holds it after readdisklabel()
     * @param where       where it came from
     * @param scanBase    for a found label: the first sector of the 3-sector window searched
     * @param byteOffset  for a found label: its byte offset inside that window
     * @param message     the kernel's message ({@code readdisklabel}'s return value), or null
     * @param reason      a one-line explanation: where the label was found, or why none was
     */
    public record Result(Disklabel label, Where where, long scanBase, int byteOffset,
                         String message, String reason) {
        /** True if a label was read from the disk (not fabricated). */
        public boolean found() {
            return where == Where.MBR_PARTITION || where == Where.DISK_START;
        }

        /** For a found label: the absolute LBA of the sector that holds its first byte. */
        public long labelSector() {
            return scanBase + byteOffset / SectorSource.DEV_BSIZE;
        }
    }

    private final SectorSource src;
    private final Disklabel lp;
    private final byte[] buf;
    private long secperunit;
    private String msg;
    private String reason;
    private long foundBase = -1;
    private int foundOffset = -1;
    private boolean sawMbr;
    private int action = READ_LABEL;
    private int error;
    private int written;

    private DiskLabelReader(SectorSource src, Disklabel lp) {
        this.src = src;
        this.lp = lp;
        this.buf = new byte[SCANBLOCKS * SectorSource.DEV_BSIZE];
    }

    /**
     * Reads the label of {@code src} as the wd(4) driver would, starting from
     * {@link #defaultLabel(String, long) defaultLabel("dmemu disk", size)}.
     */
    public static Result read(SectorSource src) {
        return read(src, defaultLabel("dmemu disk", src.sectorCount()));
    }

    /**
     * Runs {@code readdisklabel()} on {@code src} starting from the driver's preset label
     * {@code preset} (not modified; a copy is used).
     */
    public static Result read(SectorSource src, Disklabel preset) {
        DiskLabelReader r = new DiskLabelReader(src, preset.copy());
        return r.run();
    }

    /**
     * The label a wd(4) disk starts from ({@code wdgetdefaultlabel()}): 16 heads × 63 sectors,
     * type ESDI, {@code d_typename} = the drive model, {@code d_packname} "fictitious",
     * 3600 rpm, raw partition {@code d} = the whole unit, 4 partitions, sealed.
     *
     * @param model    the ATA model string (first 16 bytes are kept)
     * @param capacity the disk size in 512-byte sectors (clamped to 2³²−1 as NetBSD does)
     */
    public static Disklabel defaultLabel(String model, long capacity) {
        Disklabel l = new Disklabel();
        l.secsize = SectorSource.DEV_BSIZE;
        l.ntracks = 16;
        l.nsectors = 63;
        l.ncylinders = Math.min(capacity / (16 * 63), 0xFFFF_FFFFL);
        l.secpercyl = l.ntracks * l.nsectors;
        l.type = DkType.ESDI;
        l.setTypename(model);
        l.setPackname("fictitious");
        l.secperunit = Math.min(capacity, 0xFFFF_FFFFL);
        l.rpm = 3600;
        l.interleave = 1;
        l.flags = 0;
        l.partitions[Disklabel.RAW_PART] = DisklabelPartition.of(l.secperunit, 0, FsType.UNUSED);
        l.npartitions = Disklabel.RAW_PART + 1;
        DisklabelCodec.seal(l);
        return l;
    }

    private Result run() {
        if (lp.secsize == 0) {
            lp.secsize = SectorSource.DEV_BSIZE;
        }
        if (lp.secperunit == 0) {
            lp.secperunit = 0x1fffffffL;
        }
        secperunit = lp.secperunit;
        lp.npartitions = Disklabel.RAW_PART + 1;
        for (int i = 0; i < Disklabel.RAW_PART; i++) {
            lp.partitions[i] = lp.partitions[i].withSizeOffset(0, 0);
        }
        DisklabelPartition raw = lp.partitions[Disklabel.RAW_PART];
        if (raw.size() == 0) {
            raw = raw.withSizeOffset(lp.secperunit, 0);
        }
        lp.partitions[Disklabel.RAW_PART] = raw.withSizeOffset(raw.size(), 0);
        lp.partitions[0] = lp.partitions[0].withSizeOffset(raw.size(), 0)
                .withFstype(FsType.BSDFFS);

        int rval = scanMbr();
        Where where = Where.MBR_PARTITION;
        if (rval == SCAN_CONTINUE) {
            rval = validateLabel(0);
            where = Where.DISK_START;
        }
        if (rval == SCAN_CONTINUE) {
            rval = scanIsoVrs();
            where = Where.ISO;
        }
        if (rval == SCAN_FOUND) {
            if (where != Where.ISO) {
                reason = (where == Where.MBR_PARTITION
                        ? "label in NetBSD MBR partition at LBA " + foundBase
                        : "label at the start of the disk") + ", sector "
                        + (foundBase + foundOffset / SectorSource.DEV_BSIZE) + " byte offset "
                        + foundOffset % SectorSource.DEV_BSIZE;
            }
            return new Result(lp, where, foundBase, foundOffset, null, reason);
        }
        if (rval == SCAN_ERROR) {
            return new Result(lp, Where.FABRICATED, -1, -1, msg,
                    "default label used: " + msg);
        }
        String why = msg != null ? msg
                : sawMbr ? "no NetBSD disklabel in any MBR partition nor at the start of the disk"
                : "no disklabel in sectors 0-2 and no MBR";
        return new Result(lp, Where.FABRICATED, -1, -1, msg, "default label used: " + why);
    }

    private boolean readSectors(long blkno, int count) {
        try {
            src.read(blkno, buf, 0, count);
            return true;
        } catch (IOException e) {
            error = EIO;
            return false;
        }
    }

    private int scanMbr() {
        long extBase = 0;
        long thisExt = 0;
        boolean ddoFollowed = false;
        for (;;) {
            if (!readSectors(thisExt, 1)) {
                msg = "dos partition I/O error";
                return SCAN_ERROR;
            }
            Mbr mbr = Mbr.parse(buf, 0);
            if (!mbr.hasSignature() || mbr.isProtective()) {
                return SCAN_CONTINUE;
            }
            if (extBase == 0 && !ddoFollowed
                    && mbr.partitions().get(0).type() == Mbr.PTYPE_DM6_DDO) {
                boolean ok = true;
                for (int i = 1; i < Mbr.PART_COUNT; i++) {
                    ok &= mbr.partitions().get(i).type() == Mbr.PTYPE_UNUSED;
                }
                if (ok) {
                    ddoFollowed = true;
                    thisExt = lp.ntracks == 0 ? 0 : lp.secpercyl / lp.ntracks;
                    continue;
                }
            }
            long nextExt = 0;
            int j = 0;
            for (Mbr.Partition dp : mbr.partitions()) {
                if (dp.type() == Mbr.PTYPE_UNUSED) {
                    continue;
                }
                if (extBase + dp.start() + dp.size() > lp.secperunit) {
                    msg = "mbr partition exceeds disk size";
                    return SCAN_CONTINUE;
                }
                sawMbr = true;
                if (dp.isExtended()) {
                    nextExt = dp.start();
                    continue;
                }
                int rval = action == READ_LABEL ? lookNetbsdPart(dp, j, thisExt)
                        : writeNetbsdLabel(dp, thisExt);
                if (rval != SCAN_CONTINUE) {
                    return rval;
                }
                j++;
            }
            if (nextExt == 0) {
                break;
            }
            if (extBase == 0) {
                extBase = nextExt;
                nextExt = 0;
            }
            nextExt += extBase;
            if (nextExt <= thisExt) {
                break;
            }
            thisExt = nextExt;
        }
        return SCAN_CONTINUE;
    }

    private int lookNetbsdPart(Mbr.Partition dp, int slot, long extBase) {
        long ptnBase = (extBase + dp.start()) & 0xFFFF_FFFFL;
        if (dp.type() == Mbr.PTYPE_NETBSD) {
            int rval = validateLabel(ptnBase);
            // RAW_PART == 3: 'c' describes the NetBSD MBR partition the label lives in.
            if (rval == SCAN_FOUND || lp.partitions[2].size() == 0) {
                lp.partitions[2] = lp.partitions[2].withSizeOffset(dp.size(), ptnBase);
            }
            if (rval == SCAN_FOUND) {
                return rval;
            }
        }
        if (extBase == 0) {
            slot += 4;
        } else {
            slot = 4 + Mbr.PART_COUNT;
            for (; slot < Disklabel.MAXPARTITIONS; slot++) {
                DisklabelPartition pp = lp.partitions[slot];
                if (pp.offset() == ptnBase && pp.size() == dp.size()) {
                    break;
                }
                if (pp.size() == 0) {
                    break;
                }
            }
        }
        if (slot < Disklabel.MAXPARTITIONS) {
            lp.partitions[0] = lp.partitions[0].withSizeOffset(0, lp.partitions[0].offset())
                    .withFstype(0);
            lp.partitions[slot] = lp.partitions[slot].withSizeOffset(dp.size(), ptnBase)
                    .withFstype(xlatMbrFstype(dp.type()));
            if (slot >= lp.npartitions) {
                lp.npartitions = slot + 1;
            }
        }
        return SCAN_CONTINUE;
    }

    /** {@code validate_label()} for reading: scans the 3 sectors at {@code base}. */
    private int validateLabel(long base) {
        if (!readSectors(base, SCANBLOCKS)) {
            msg = "disk label read failed";
            return SCAN_ERROR;
        }
        int lim = buf.length - DisklabelCodec.SIZEOF;
        for (int off = 0; off <= lim; off += 4) {
            DisklabelCodec.Check c = DisklabelCodec.check(buf, off);
            switch (c) {
                case OK -> {
                    if (action != READ_LABEL) {
                        return writeLabelAt(base, off);
                    }
                    lp.copyFrom(DisklabelCodec.decode(buf, off));
                    String err = convertDisklabel();
                    if (err != null) {
                        msg = err;
                        return SCAN_ERROR;
                    }
                    foundBase = base;
                    foundOffset = off;
                    return SCAN_FOUND;
                }
                case TOO_MANY_PARTITIONS, BAD_CHECKSUM -> msg = "disk label corrupted";
                default -> {
                }
            }
        }
        if (action != WRITE_LABEL) {
            return SCAN_CONTINUE;
        }
        // Write at the architecture's default place: sector 1 of the base, byte 0.
        int at = Disklabel.LABELOFFSET + (base != 0 ? MBR_LABELSECTOR : Disklabel.LABELSECTOR)
                * SectorSource.DEV_BSIZE;
        return writeLabelAt(base, at);
    }

    private int writeLabelAt(long base, int off) {
        DisklabelCodec.encode(lp, buf, off);
        try {
            ((SectorDevice) src).write(base, buf, 0, SCANBLOCKS);
        } catch (IOException e) {
            error = EIO;
            msg = "disk label write failed";
            return SCAN_ERROR;
        }
        written++;
        return SCAN_CONTINUE;
    }

    private int writeNetbsdLabel(Mbr.Partition dp, long extBase) {
        if (dp.type() != Mbr.PTYPE_NETBSD) {
            return SCAN_CONTINUE;
        }
        return validateLabel((extBase + dp.start()) & 0xFFFF_FFFFL);
    }

    /**
     * Emulates {@code writedisklabel()} (subr_disk_mbr.c) for a driver that passes its
     * {@code cpu_disklabel} (as wd does): in every NetBSD (0xA9) MBR partition an existing
     * label in the 3-sector window is overwritten in place, else a new one is written at
     * sector 1 of the partition; then the window at LBA 0 is updated if it holds a label, or
     * written at LBA 1 if the disk has no MBR. Writes go straight to the device (the raw
     * partition with the labelling flag: never label-protected).
     *
     * @return 0, {@code ESRCH} (3) if nothing was written and no I/O failed, or {@code EIO} (5)
     */
    public static int writeDisklabel(SectorDevice dev, Disklabel lp) {
        DiskLabelReader w = new DiskLabelReader(dev, lp.copy());
        w.action = WRITE_LABEL;
        w.scanMbr();
        w.action = w.sawMbr ? UPDATE_LABEL : WRITE_LABEL;
        w.validateLabel(0);
        if (w.written == 0 && w.error == 0) {
            w.error = ESRCH;
        }
        return w.error;
    }

    private static final int ESRCH = 3;
    private static final int EIO = 5;

    /** {@code convertdisklabel()}: make sure RAW_PART is a whole-disk partition. */
    private String convertDisklabel() {
        boolean geomOk = false;
        if (secperunit != 0) {
            byte[] one = new byte[SectorSource.DEV_BSIZE];
            try {
                src.read(secperunit - 1, one, 0, 1);
                geomOk = true;
            } catch (IOException e) {
                geomOk = false;
            }
        }
        DisklabelPartition rp = DisklabelPartition.of(secperunit, 0, FsType.UNUSED);
        final int rawIdx = Disklabel.RAW_PART;
        final int altIdx = 2; // 'c' on a RAW_PART == 3 port
        DisklabelPartition p = lp.partitions[rawIdx];
        DisklabelPartition altp = lp.partitions[altIdx];
        if (lp.npartitions > rawIdx && p.offset() == 0 && p.size() != 0) {
            return null;
        } else if (lp.npartitions > 3 && altp.offset() == 0 && altp.size() != 0) {
            lp.partitions[rawIdx] = altp;
            lp.partitions[altIdx] = p;
        } else if (lp.npartitions <= rawIdx && lp.npartitions > 2) {
            lp.npartitions = rawIdx + 1;
            lp.partitions[rawIdx] = altp;
        } else if (!geomOk) {
            return "no raw partition and disk reports bad geometry";
        } else if (lp.npartitions <= rawIdx) {
            for (int i = lp.npartitions; i < rawIdx; i++) {
                lp.partitions[i] = DisklabelPartition.EMPTY;
            }
            lp.partitions[rawIdx] = rp;
            lp.npartitions = rawIdx + 1;
        } else if (lp.npartitions < Disklabel.MAXPARTITIONS) {
            System.arraycopy(lp.partitions, rawIdx, lp.partitions, rawIdx + 1,
                    lp.npartitions - rawIdx);
            lp.partitions[rawIdx] = rp;
            lp.npartitions++;
        } else {
            return "no raw partition and partition table is full";
        }
        return null;
    }

    /** {@code scan_iso_vrs()} on the start of the disk only. */
    private int scanIsoVrs() {
        int inc = 4; // 2048 / 512
        long vrs = 32 * 1024 / SectorSource.DEV_BSIZE;
        if (!readSectors(vrs, 1)) {
            return SCAN_CONTINUE;
        }
        boolean iso = false;
        boolean udf = false;
        while (ident(1, "CD001")) {
            iso = true;
            vrs += inc;
            if (!readSectors(vrs, 1)) {
                break;
            }
        }
        if (ident(1, "BEA01")) {
            vrs += inc;
            if (readSectors(vrs, 1) && ident(1, "NSR0")) {
                udf = true;
            }
        }
        if (!iso && !udf) {
            return SCAN_CONTINUE;
        }
        lp.setTypename("iso partition");
        if (iso) {
            lp.partitions[0] = new DisklabelPartition(lp.secperunit, 0, 0, FsType.ISO9660,
                    lp.partitions[0].frag(), lp.partitions[0].cpg());
        }
        reason = iso ? "ISO9660 volume at the start of the disk" : "UDF volume";
        return SCAN_FOUND;
    }

    private boolean ident(int off, String id) {
        for (int i = 0; i < id.length(); i++) {
            if (buf[off + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code xlat_mbr_fstype()}: the fstype recorded for a foreign MBR partition type. */
    public static int xlatMbrFstype(int mbrType) {
        return switch (mbrType) {
            case 0xA5, 0xA9, 0xA6 -> FsType.BSDFFS;
            case 0xA8 -> FsType.APPLEUFS;
            case 0x01, 0x06, 0x0E, 0x04, 0x0B, 0x0C -> FsType.MSDOS;
            case 0x83 -> FsType.EX2FS;
            case 0x82 -> FsType.SWAP;
            case 0x07 -> FsType.NTFS;
            case 0x81 -> 29; // FS_MINIXFS3
            default -> FsType.OTHER;
        };
    }
}
