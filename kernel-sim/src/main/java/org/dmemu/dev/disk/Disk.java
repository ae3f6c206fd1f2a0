package org.dmemu.dev.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.dmemu.disklabel.DiskIoctls;
import org.dmemu.disklabel.LabelledDisk;
import org.dmemu.kern.DiskSpec;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Dev;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * One emulated NetBSD/amd64 disk unit ({@code wd1}, {@code sd0}, {@code ld0}, {@code vnd0}) with
 * its partitions {@code a}…{@code p} ({@link #MAXPARTITIONS} 16, {@link #RAW_PART} 3 = {@code d}).
 *
 * <p>Emulates the disk side a dm pdev talks to: {@code dk_open} (partition must exist and not be
 * FS_UNUSED unless it is RAW_PART), {@code dk_strategy}/{@code dk_translate} of
 * sys/dev/dksubr.c (whole-sector transfers only, {@code bounds_check_with_mediasize} on the raw
 * partition, {@code bounds_check_with_label} on the others — including its label-sector rule: a
 * write through a non-raw partition covering sector {@code c.p_offset + LABELSECTOR} fails with
 * EROFS unless DIOCWLABEL made it writable — the partition offset added), and the disk ioctls
 * dm's targets use (DIOCCACHESYNC, DIOCGSECTORSIZE, DIOCGMEDIASIZE) plus DIOCWLABEL.
 *
 * <p>The label (issue 4): a 512-byte-sector disk reads its MBR and NetBSD disklabel at attach
 * through the disklabel module ({@link LabelledDisk}: {@code readdisklabel}, or the fabricated
 * default label); non-raw writes covering the label sector fail with EROFS unless DIOCWLABEL
 * ({@code bounds_check_with_label}); DIOCGDINFO, DIOCSDINFO, DIOCWDINFO, DIOCWLABEL,
 * DIOCGPARTINFO and DIOCGDEFLABEL are answered.
 *
 * <p>The label the strategy routine reads is one immutable {@link DiskLabelState}, replaced as a
 * whole by DIOCSDINFO/DIOCWDINFO: a transfer is checked against, and positioned by, a single
 * label even while the label changes (issue 16 point 2).
 *
 * <p><b>An open partition whose label entry vanished</b> (issue 16 point 1: {@code wd1e} held
 * open by a dm table, then DIOCSDINFO with {@code d_npartitions = 4}). NetBSD 10 does not look at
 * {@code d_npartitions} on the I/O path: {@code dk_translate} (sys/dev/dksubr.c) calls
 * {@code bounds_check_with_label} (sys/kern/subr_disk.c), which reads
 * {@code lp->d_partitions[DISKPART(bp->b_dev)]} of the in-core {@code struct disklabel}, an
 * array of MAXPARTITIONS entries; {@code dk_ioctl} passes an open mask of 0 to
 * {@code setdisklabel} (sys/kern/subr_disk_mbr.c), so nothing refuses the new label, and
 * {@code setdisklabel} copies the whole structure the caller gave, entries past
 * {@code d_npartitions} included. The transfer therefore goes on against whatever that entry
 * now holds: the old values if the caller left them (disklabel(8) sends back what DIOCGDINFO
 * gave), or, if it zeroed them, {@code p_size} 0: EOF (b_resid = b_bcount) at block 0 and
 * EINVAL past it. dmemu keeps all 16 entries in the snapshot and does exactly that; only
 * {@code dk_open} reads {@code d_npartitions}.
 *
 * <p><b>Errors.</b> No exception leaves {@link #strategy}: every outcome is an errno in the buf.
 * An I/O error of an image file is logged (file, range, cause) to the log set by
 * {@link #setLog} (the kernel's message log once booted).
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>A disk whose sector size is not 512 keeps the fabricated default label and answers only
 *     DIOCWLABEL of the label ioctls.</li>
 * <li>Every open counts as FWRITE for the label ioctls.</li>
 * <li>I/O is synchronous; there is no disksort queue.</li>
 * </ul>
 */
public final class Disk implements AutoCloseable {
    /** {@code MAXPARTITIONS} on amd64. */
    public static final int MAXPARTITIONS = 16;
    /** {@code RAW_PART} on amd64: partition {@code d}. */
    public static final int RAW_PART = 3;
    /** {@code LABELSECTOR} on amd64: the label is in sector 1 of the NetBSD area. */
    public static final int LABELSECTOR = 1;

    private final DiskDriver driver;
    private final int unit;
    private final String name;
    private final int secsize;
    private final int blkshift;
    private final long numsec;
    /** The whole medium in DEV_BSIZE blocks (the raw partition's bound). */
    private final long rawBlocks;
    private final BackingStore store;
    private final Trace trace;
    /** The step of a transfer, named after the driver's strategy routine ({@code wdstrategy}). */
    private final TracePoint transferPoint;
    /** The in-core label for the strategy path (replaced whole, never mutated). */
    private volatile DiskLabelState state;
    /** The label side (issue 4); null when the sector size is not 512. */
    private final LabelledDisk labelled;
    /** {@code DKF_WLABEL} of a disk without a label side: set by DIOCWLABEL ≠ 0. */
    private volatile boolean wlabel;
    /** Serialises label ioctls with the publication of their snapshot ({@code dk_openlock}). */
    private final Object labelLock = new Object();
    /** Where error lines go; forwards to {@link #setLog}'s sink. */
    private final LogSink log;

    /** A settable forwarding sink, created before the store that logs through it. */
    private static final class LogSink implements Consumer<String> {
        volatile Consumer<String> target = System.err::println;

        @Override
        public void accept(String line) {
            target.accept(line);
        }
    }

    private Disk(DiskDriver driver, int unit, int secsize, BackingStore store, Trace trace, LogSink log) {
        this.driver = driver;
        this.unit = unit;
        this.name = driver.prefix() + unit;
        this.secsize = secsize;
        this.blkshift = Integer.numberOfTrailingZeros(secsize / Buf.DEV_BSIZE);
        this.numsec = store.size() / secsize;
        this.rawBlocks = (numsec * secsize) >> Buf.DEV_BSHIFT;
        this.store = store;
        this.trace = trace;
        String strategy = driver.prefix() + "strategy";
        this.transferPoint = TracePoint.of(strategy,
                strategy + " {dev} blkno {blkno} -> sector {sector}, {bcount} bytes {direction}");
        this.log = log;
        this.labelled = secsize == Buf.DEV_BSIZE
                ? new LabelledDisk(new StoreSectorDevice(store), name) : null;
        if (labelled != null && trace != null) {
            trace.emit(0, READDISKLABEL, name, labelled.readResult().reason());
        }
    }

    /** Sends this disk's error lines (image file I/O errors) to {@code sink}. */
    public void setLog(Consumer<String> sink) {
        log.target = sink;
    }

    /** The label side of this disk, or null for a sector size other than 512. */
    public LabelledDisk labelled() {
        return labelled;
    }

    /** The write-protected label sector ({@code d_partitions[2].p_offset + 1}), or -1 without a label side. */
    public long labelSector() {
        return labelled == null ? -1 : state.labelSector;
    }

    /** {@code p_offset} of partition {@code part} ({@code d_partitions[part]}, 0 outside 0..15). */
    public long partitionOffset(int part) {
        return part >= 0 && part < MAXPARTITIONS ? state.parts[part].offset() : 0;
    }

    /**
     * Attaches a disk as described by {@code spec} (already validated by {@link DiskSpec#parse}).
     *
     * @throws IOException if the image file cannot be opened for reading and writing
     */
    public static Disk attach(DiskSpec spec, DiskLabelSource labels, Trace trace) throws IOException {
        LogSink log = new LogSink();
        DiskSpec.Unit u = DiskSpec.parseUnit(spec.unit());
        DiskDriver drv = DiskDriver.byPrefix(u.prefix());
        BackingStore store;
        String src = spec.source();
        if (src.startsWith("mem:")) {
            store = new MemoryStore(DiskSpec.parseSize(src.substring(4)));
        } else {
            Path p = Path.of(src.substring(5));
            if (!Files.isRegularFile(p)) {
                throw new IOException(src.substring(5) + ": not an existing regular file");
            }
            store = new FileStore(p, log);
        }
        Disk d = new Disk(drv, u.number(), spec.secsize(), store, trace, log);
        d.setPartitions(labels.partitions(d));
        return d;
    }

    /** Creates a memory disk directly (tests and benchmarks). */
    public static Disk memory(DiskDriver driver, int unit, long bytes, int secsize) {
        Disk d = new Disk(driver, unit, secsize, new MemoryStore(bytes), null, new LogSink());
        d.setPartitions(DiskLabelSource.DEFAULT.partitions(d));
        return d;
    }

    public DiskDriver driver() {
        return driver;
    }

    /** The unit name: {@code wd1}. */
    public String name() {
        return name;
    }

    public int unit() {
        return unit;
    }

    /** {@code dg_secsize}. */
    public int secsize() {
        return secsize;
    }

    /** {@code dg_secperunit}: the number of sectors. */
    public long numsec() {
        return numsec;
    }

    /** The in-core partition table ({@code d_npartitions} entries). */
    public DiskPartition[] partitions() {
        return state.table();
    }

    /**
     * Replaces the in-core partition table; the entries past it (up to 16) are those of the
     * label the disk read, or empty without a label side.
     */
    public void setPartitions(DiskPartition[] p) {
        synchronized (labelLock) {
            state = DiskLabelState.of(p, labelled == null ? null : labelled.label(), blkshift);
        }
    }

    /** The device number of partition {@code part} ({@code DISKMINOR(unit, part)}). */
    public long dev(int part, boolean raw) {
        return Dev.makedev(raw ? driver.cmajor() : driver.bmajor(), (long) unit * MAXPARTITIONS + part);
    }

    /** {@code dk_open}: ENXIO unless the partition exists (RAW_PART always does). */
    public Errno open(int part) {
        DiskLabelState lp = state;
        if (part < 0 || part >= MAXPARTITIONS) {
            return Errno.ENXIO;
        }
        if (part != RAW_PART && (part >= lp.npartitions || lp.parts[part].fstype() == DiskPartition.FS_UNUSED)) {
            return Errno.ENXIO;
        }
        return Errno.NONE;
    }

    /** {@code getdisksize} on partition {@code part}: its size in sectors (the disk's for RAW_PART). */
    public long partitionSize(int part) {
        if (part == RAW_PART) {
            return numsec;
        }
        DiskLabelState lp = state;
        return part >= 0 && part < lp.npartitions ? lp.parts[part].size() : 0;
    }

    /**
     * {@code dk_strategy} on partition {@code part}: checks and translates the request, transfers
     * it, and leaves the outcome in {@code bp} ({@code b_error}, {@code b_resid}; a request
     * crossing the end is truncated: {@code b_bcount} shrinks, as in NetBSD). Never throws.
     */
    public void strategy(int part, Buf bp, int depth) {
        int bcount = bp.bcount();
        long blkno = bp.blkno();
        DiskLabelState lp = state;
        if (trace == null && bcount > 0 && (bcount & (secsize - 1)) == 0 && blkno >= 0) {
            // The plain case, kept small enough for the JIT to inline into the caller: a
            // whole-sector transfer inside the partition, a read or a write clear of the
            // label sector. Anything else goes through the complete routine below.
            long sz = (bcount + Buf.DEV_BSIZE - 1) >> Buf.DEV_BSHIFT;
            long pos;
            if (part == RAW_PART) {
                if (blkno + sz > rawBlocks) {
                    checkedStrategy(lp, part, bp, depth);
                    return;
                }
                pos = (blkno >> blkshift) * secsize;
            } else {
                if (part < 0 || part >= MAXPARTITIONS || lp.secpercyl == 0) {
                    checkedStrategy(lp, part, bp, depth);
                    return;
                }
                DiskPartition p = lp.parts[part];
                long poff = p.offset();
                long start = blkno + (poff << blkshift);
                if (blkno + sz > p.size() << blkshift
                        || (!bp.isRead() && start <= lp.labelSector && start + sz > lp.labelSector)) {
                    checkedStrategy(lp, part, bp, depth);
                    return;
                }
                pos = ((blkno >> blkshift) + poff) * secsize;
            }
            if (move(bp, pos, bcount)) {
                bp.setResid(0);
            } else {
                fail(bp, Errno.EIO, depth, BACKING_STORE);
            }
            return;
        }
        checkedStrategy(lp, part, bp, depth);
    }

    /**
     * {@code dk_translate} with every check, truncation and trace line (the general case), all
     * against the one label snapshot {@code lp}: {@code bounds_check_with_mediasize} on the raw
     * partition, {@code bounds_check_with_label} on the others ({@code d_partitions[part]},
     * whatever {@code d_npartitions} says; see the class comment).
     */
    private void checkedStrategy(DiskLabelState lp, int part, Buf bp, int depth) {
        int bcount = bp.bcount();
        long blkno = bp.blkno();
        if ((bcount & (secsize - 1)) != 0 || blkno < 0) {
            fail(bp, Errno.EINVAL, depth, TRANSLATE_EINVAL);
            return;
        }
        if (bcount == 0) {
            bp.setResid(0);
            return;
        }
        if (part < 0 || part >= MAXPARTITIONS) {
            // DISKPART() of a dev_t is always 0..15; only a caller bypassing the nodes gets here
            finish(bp, Errno.ENXIO);
            if (trace != null) {
                trace.emit(depth, NO_PARTITION, part, Errno.ENXIO);
            }
            return;
        }
        long limit;
        long poff = 0;
        if (part == RAW_PART) {
            limit = rawBlocks;
        } else {
            if (lp.secpercyl == 0) {
                fail(bp, Errno.EINVAL, depth, NO_SECPERCYL);
                return;
            }
            DiskPartition p = lp.parts[part];
            limit = p.size() << blkshift;
            poff = p.offset();
        }
        long sz = (bcount + Buf.DEV_BSIZE - 1) >> Buf.DEV_BSHIFT;
        if (blkno + sz > limit) {
            long left = limit - blkno;
            if (left == 0) {
                bp.setResid(bcount);
                if (trace != null) {
                    traceEof(blkno, depth);
                }
                return;
            }
            if (left < 0) {
                finish(bp, Errno.EINVAL);
                if (trace != null) {
                    trace.emit(depth, PAST_END, Errno.EINVAL, blkno, limit);
                }
                return;
            }
            bcount = (int) (left << Buf.DEV_BSHIFT);
            bp.setBcount(bcount);
            sz = left;
        }
        if (part != RAW_PART && !bp.isRead()) {
            long start = blkno + (poff << blkshift);
            if (start <= lp.labelSector && start + sz > lp.labelSector && !labelWritable()) {
                refuseLabelWrite(bp, part, start, sz, lp.labelSector, depth);
                return;
            }
        }
        long raw = (blkno >> blkshift) + (part == RAW_PART ? 0 : poff);
        if (trace != null) {
            traceTransfer(part, bp, raw, depth);
        }
        long pos = raw * secsize;
        boolean ok = move(bp, pos, bcount);
        if (!ok) {
            fail(bp, Errno.EIO, depth, BACKING_STORE);
            return;
        }
        bp.setResid(0);
    }

    /** The transfer itself: {@code bcount} bytes between the medium at {@code pos} and the buf's data area. */
    private boolean move(Buf bp, long pos, int bcount) {
        java.nio.ByteBuffer b = bp.buffer();
        if (b == null) {
            return bp.isRead() ? store.read(pos, bp.data(), bp.dataOffset(), bcount)
                    : store.write(pos, bp.data(), bp.dataOffset(), bcount);
        }
        return bp.isRead() ? store.read(pos, b, bp.dataOffset(), bcount) : store.write(pos, b, bp.dataOffset(), bcount);
    }

    /** {@code DKF_WLABEL | DKF_LABELLING}: may a write cover the label sector now? */
    boolean labelWritable() {
        return labelled != null ? labelled.guard().writable() : wlabel;
    }

    /** EROFS for a write covering the label sector (out of line, like the trace). */
    private void refuseLabelWrite(Buf bp, int part, long first, long nsec, long ls, int depth) {
        finish(bp, Errno.EROFS);
        if (trace != null) {
            trace.emit(depth, LABEL_WRITE, partName(part), first, first + nsec - 1, ls, Errno.EROFS);
        }
    }

    /** Built out of line so that the strategy routine stays small enough to inline. */
    private void traceTransfer(int part, Buf bp, long raw, int depth) {
        trace.emit(depth, transferPoint, partName(part), bp.blkno(), raw, bp.bcount(), bp.isRead() ? "read" : "write");
    }

    private void traceEof(long blkno, int depth) {
        trace.emit(depth, EOF_AT, blkno);
    }

    /** The partition's name: the unit and its letter ({@code wd1a}). */
    String partName(int part) {
        return name + (char) ('a' + part);
    }

    /** The buf fails with {@code e}, nothing transferred. */
    private static void finish(Buf bp, Errno e) {
        bp.setError(e);
        bp.setResid(bp.bcount());
    }

    /** {@link #finish}, traced as {@code why} (a point whose one value is the errno). */
    private void fail(Buf bp, Errno e, int depth, TracePoint why) {
        finish(bp, e);
        if (trace != null) {
            trace.emit(depth, why, e);
        }
    }

    /**
     * The disk ioctls this disk answers; {@code data} is the ioctl argument (in and out).
     * Everything else: ENOTTY.
     */
    public Errno ioctl(long cmd, byte[] data) {
        return ioctl(RAW_PART, cmd, data, true);
    }

    /**
     * The disk ioctls on partition {@code part}, {@code fwrite} telling whether the node was
     * opened for writing. The label ioctls go to the disklabel module ({@link LabelledDisk});
     * after a successful DIOCSDINFO/DIOCWDINFO the in-core partition table follows the new label.
     */
    public Errno ioctl(int part, long cmd, byte[] data, boolean fwrite) {
        LabelledDisk ld = labelled;
        if (ld != null && (cmd == DiskIoctls.DIOCGDINFO || cmd == DiskIoctls.DIOCSDINFO
                || cmd == DiskIoctls.DIOCWDINFO || cmd == DiskIoctls.DIOCWLABEL
                || cmd == DiskIoctls.DIOCGPARTINFO || cmd == DiskIoctls.DIOCGDEFLABEL)) {
            int e;
            synchronized (labelLock) {
                e = ld.ioctl(part, cmd, data, fwrite);
                if (e == 0 && (cmd == DiskIoctls.DIOCSDINFO || cmd == DiskIoctls.DIOCWDINFO)) {
                    state = DiskLabelState.of(ld.label(), blkshift);
                }
            }
            if (trace != null) {
                trace.emit(0, DK_IOCTL, partName(part), DiskIoctls.name(cmd), Errno.of(e));
            }
            return Errno.of(e);
        }
        if (cmd == Dkio.DIOCCACHESYNC) {
            return cacheSync();
        } else if (cmd == Dkio.DIOCGSECTORSIZE) {
            Dkio.putLE(data, 0, 4, secsize);
            return Errno.NONE;
        } else if (cmd == Dkio.DIOCGMEDIASIZE) {
            Dkio.putLE(data, 0, 8, mediaSize());
            return Errno.NONE;
        } else if (cmd == Dkio.DIOCWLABEL) {
            wlabel = Dkio.getLE(data, 0, 4) != 0;
            return Errno.NONE;
        }
        return Errno.ENOTTY;
    }

    /**
     * Reads bytes of the medium directly, bypassing partitions and bounds checks (for a label
     * source reading the MBR and disklabel at attach time). False on an I/O error or a range
     * outside the medium.
     */
    public boolean readRaw(long pos, byte[] b, int off, int len) {
        return pos >= 0 && len >= 0 && pos + len <= store.size() && store.read(pos, b, off, len);
    }

    /** {@code DIOCWLABEL}: makes the label sector writable (true) or read-only (false). */
    public void setWlabel(boolean on) {
        if (labelled != null) {
            labelled.guard().setWlabel(on);
        } else {
            wlabel = on;
        }
    }

    /** {@code dg_secsize * dg_secperunit}. */
    public long mediaSize() {
        return numsec * secsize;
    }

    /** DIOCCACHESYNC: flushes the medium (a file reaches the host disk). */
    public Errno cacheSync() {
        return store.flush() ? Errno.NONE : Errno.EIO;
    }

    /** Flushes and closes the medium; a failed final flush is logged (the data may not be on the host disk). */
    @Override
    public void close() {
        if (!store.flush()) {
            log.accept("dmemu: " + name + ": final cache sync before close failed; the last writes may be lost");
        }
        store.close();
    }

    // ---- discard and block status (issue 15): DiskDiscard ----

    /** {@code dk_discard} on partition {@code part}: see {@link DiskDiscard#discard}. */
    public Errno discard(int part, long blkno, long count) {
        return DiskDiscard.discard(this, part, blkno, count);
    }

    /** The block status of a range of partition {@code part}: see {@link DiskDiscard#blockStatus}. */
    public Errno blockStatus(int part, long blkno, long count, Extents out) {
        return DiskDiscard.blockStatus(this, part, blkno, count, out);
    }

    // what DiskDiscard reads of the disk
    int blkshift() {
        return blkshift;
    }

    long rawBlocks() {
        return rawBlocks;
    }

    DiskLabelState labelState() {
        return state;
    }

    BackingStore store() {
        return store;
    }

    Trace trace() {
        return trace;
    }

    @Override
    public String toString() {
        return name + "[" + numsec + "x" + secsize + "]";
    }

    // trace points
    private static final TracePoint READDISKLABEL = TracePoint.of("readdisklabel", "readdisklabel {disk}: {result}");
    private static final TracePoint TRANSLATE_EINVAL = TracePoint.of("dk_translate",
            "dk_translate: {error} (not whole sectors or blkno < 0)");
    private static final TracePoint NO_PARTITION = TracePoint.of("dk_strategy", "dk_strategy: no partition {part} -> {error}");
    static final TracePoint NO_SECPERCYL = TracePoint.of("bounds_check_with_label",
            "bounds_check_with_label: d_secpercyl 0 -> {error}");
    private static final TracePoint PAST_END = TracePoint.of("bounds_check",
            "bounds_check: {error}, blkno {blkno} past the end {limit}");
    private static final TracePoint EOF_AT = TracePoint.of("bounds_check", "bounds_check: EOF at blkno {blkno}");
    private static final TracePoint BACKING_STORE = TracePoint.of("dk_strategy", "backing store: {error}");
    private static final TracePoint LABEL_WRITE = TracePoint.of("bounds_check_with_label",
            "bounds_check_with_label: write of {dev} sectors {first}-{last} covers the label sector {label_sector}"
                    + " (DIOCWLABEL off) -> {error}");
    private static final TracePoint DK_IOCTL = TracePoint.of("dk_ioctl", "dk_ioctl {dev} {cmd} -> {error}");
}
