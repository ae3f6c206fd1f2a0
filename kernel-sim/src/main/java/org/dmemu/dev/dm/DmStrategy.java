package org.dmemu.dev.dm;

import org.dmemu.dev.dm.target.DmTarget;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates {@code dmstrategy} of sys/dev/dm/device-mapper.c rev 1.64, the dm block device's
 * strategy routine: {@code bounds_check_with_mediasize} against the active table's size,
 * {@code dm_table_get_entry}'s walk over the entries the buf touches, a nested buf per piece
 * ({@code nestiobuf_setup}) handed to the entry's target, {@code nestiobuf_done} and
 * {@code biodone}. Reached from {@link DeviceMapper#dmstrategy} (a read or write on a dm node)
 * and from a stacked pdev ({@link DeviceMapper#dmstrategyStacked}).
 *
 * <p>Differences from NetBSD (also in {@link DeviceMapper}'s header): the table walk uses
 * binary search when the table allows it (see {@link DmTable}); nested bufs are two reused
 * per-thread {@link Buf}s, not {@code getiobuf} allocations; completion is synchronous; a
 * request crossing the end of the device (NetBSD: KASSERT/underflow, quirk Q4) transfers the
 * in-range part, then fails with EINVAL; I/O nested through more than
 * {@link DeviceMapper#MAX_STACK} dm devices fails with EIO where NetBSD overflows its stack.
 */
final class DmStrategy {
    private final DeviceMapper dm;
    /** The reader slots of this kernel and its retired tables. */
    private final DmReaders readers;
    private final Trace trace;

    DmStrategy(DeviceMapper dm, DmReaders readers, Trace trace) {
        this.dm = dm;
        this.readers = readers;
        this.trace = trace;
    }

    /**
     * {@code dmstrategy(bp)} for the device {@code dmv} (null: the minor does not exist), in
     * three steps on the active table: {@link #boundsCheck} against Σ active lengths,
     * {@link #mapEntries} (split across the entries the buf touches, each piece through its
     * target), {@link #complete} (holes and a truncated tail give EINVAL; any failing piece
     * fails the whole buf: b_resid = b_bcount). No exception and no allocation (with tracing off).
     */
    void dmstrategy(DmDev dmv, Buf bp, String path) {
        final int bcount = bp.bcount();
        if (trace != null) {
            traceStart(path, bp);
        }
        if (dmv == null) {
            noDevice(bp, bcount);
            return;
        }
        final DmReaders.Slot slot = readers.current(bp);
        if (slot == null) {
            tooDeep(bp, bcount);
            return;
        }
        final DmTable t = dmv.tableHead.acquireActive(slot);
        try {
            // checked after taking the table: a remove unlinks before it retires the table
            if (!dmv.listed) {
                noDevice(bp, bcount);
                return;
            }
            if (!boundsCheck(t, bp, bcount)) {
                return;
            }
            complete(bp, bcount, mapEntries(t, slot, bp, bcount));
        } finally {
            DmTableHead.release(slot);
        }
    }

    /**
     * {@code dmstrategy} of a dm device reached as another table's component (a stacked pdev's
     * {@code VOP_STRATEGY}): with tracing on, its lines are indented below the caller's
     * ({@code depth}).
     */
    void stacked(DmDev lower, Buf bp, String path, int depth) {
        if (trace == null) {
            dmstrategy(lower, bp, path);
            return;
        }
        trace.shift(depth);
        try {
            dmstrategy(lower, bp, path);
        } finally {
            trace.shift(-depth);
        }
    }

    /**
     * {@code bounds_check_with_mediasize} against the table size: false when the buf is
     * finished (EOF at the end, EINVAL past it or for a negative block); a request crossing the
     * end is truncated (b_bcount shrinks) and goes on.
     */
    private boolean boundsCheck(DmTable t, Buf bp, int bcount) {
        long blkno = bp.blkno();
        long size = t.size;
        if (blkno < 0) {
            fail(bp, Errno.EINVAL, bcount);
            if (trace != null) {
                trace.emit(1, BLKNO_NEGATIVE, Errno.EINVAL);
            }
            return false;
        }
        long sz = ((bcount & 0xffffffffL) + Buf.DEV_BSIZE - 1) >>> Buf.DEV_BSHIFT;
        if (Long.compareUnsigned(blkno + sz, size) > 0) {
            long left = size - blkno;
            if (left == 0) {
                bp.setResid(bcount);
                if (trace != null) {
                    trace.emit(1, AT_EOF, blkno);
                }
                return false;
            }
            if (left < 0) {
                fail(bp, Errno.EINVAL, bcount);
                if (trace != null) {
                    trace.emit(1, PAST_EOF, blkno, size, Errno.EINVAL);
                }
                return false;
            }
            bp.setBcount((int) (left << Buf.DEV_BSHIFT));
            if (trace != null) {
                traceTruncated(bp, size);
            }
        }
        return true;
    }

    /**
     * The split: every entry overlapping the (original) buf range gets the overlapping piece,
     * in list order, with NetBSD's uint64 arithmetic. On a sorted, disjoint table
     * ({@link DmTable#fast}) the walk starts at the first entry ending after the buf (binary
     * search, per-thread hint) and stops at the first entry starting after it: the same entries
     * in the same order as the full walk. Returns the last failing piece's errno, or EINVAL for
     * bytes no entry mapped (holes, the truncated tail).
     */
    private Errno mapEntries(DmTable t, DmReaders.Slot slot, Buf bp, int bcount) {
        if (trace != null) {
            traceTable(t);
        }
        final long bufStart = bp.blkno() << Buf.DEV_BSHIFT;
        final long bufLen = bcount & 0xffffffffL;
        final long bufEnd = bufStart + bufLen;
        final DmTableEntry[] arr = t.array;
        final boolean sorted = t.fast;
        Errno err = Errno.NONE;
        long issued = 0;
        for (int i = sorted ? t.firstEndingAfter(slot, bp.blkno()) : 0; i < arr.length; i++) {
            DmTableEntry en = arr[i];
            long ts = en.start << Buf.DEV_BSHIFT;
            if (sorted && ts >= bufEnd) {
                break;
            }
            long te = ts + (en.length << Buf.DEV_BSHIFT);
            long s = Long.compareUnsigned(ts, bufStart) > 0 ? ts : bufStart;
            long e = Long.compareUnsigned(te, bufEnd) < 0 ? te : bufEnd;
            if (Long.compareUnsigned(s, e) < 0) {
                Errno r = issue(en, i, bp, slot.nb, slot.scratch, s - bufStart, (int) (e - s), (s - ts) >>> Buf.DEV_BSHIFT);
                if (r != Errno.NONE) {
                    err = r;
                }
                issued += e - s;
            }
        }
        if (Long.compareUnsigned(issued, bufLen) < 0) {
            if (trace != null) {
                trace.emit(1, NOT_MAPPED, bufLen - issued, Errno.EINVAL);
            }
            return Errno.EINVAL;
        }
        return err;
    }

    /** {@code biodone}: success, or the error with b_bcount restored and b_resid = b_bcount. */
    private void complete(Buf bp, int bcount, Errno err) {
        if (err != Errno.NONE) {
            bp.setBcount(bcount);
            bp.setError(err);
            bp.setResid(bcount);
        } else {
            bp.setResid(0);
        }
        if (trace != null) {
            trace.emit(1, BIODONE, bp.error().number(), bp.resid());
        }
    }

    private volatile boolean cycleLogged;

    private void tooDeep(Buf bp, int bcount) {
        bp.setError(Errno.EIO);
        bp.setResid(bcount);
        if (!cycleLogged) {
            cycleLogged = true;
            dm.log("dm: I/O nested through more than " + DeviceMapper.MAX_STACK
                + " dm devices (a table cycle?): failed with EIO; NetBSD would overflow its kernel stack");
        }
        if (trace != null) {
            trace.emit(1, TOO_DEEP, DeviceMapper.MAX_STACK, Errno.EIO);
        }
    }

    private Errno issue(DmTableEntry en, int index, Buf bp, Buf nb, Buf scratch, long dataOff, int len, long nblk) {
        DmTarget target = en.target;
        if (bp.buffer() != null && !target.buffers()) {
            return issueBounced(en, index, bp, nb, scratch, dataOff, len, nblk);
        }
        nb.setupSlice(bp.flags(), nblk, bp, (int) dataOff, len);
        if (trace != null) {
            traceIssue(en, index, dataOff, len, nblk);
        }
        target.strategy(en, nb, scratch, trace, 2);
        return DmTarget.outcome(nb, len);
    }

    /** The calling thread's heap copy for targets that take no ByteBuffer bufs. */
    private static final ThreadLocal<byte[][]> BOUNCE = ThreadLocal.withInitial(() -> new byte[1][0]);

    /**
     * {@link #issue} for a target that handles only array bufs, with a ByteBuffer buf: the data
     * goes through a heap array (copied in for a write, out for a read).
     */
    private Errno issueBounced(DmTableEntry en, int index, Buf bp, Buf nb, Buf scratch, long dataOff, int len,
            long nblk) {
        byte[][] holder = BOUNCE.get();
        byte[] b = holder[0].length >= len ? holder[0] : (holder[0] = new byte[len]);
        int at = bp.dataOffset() + (int) dataOff;
        if (!bp.isRead()) {
            bp.buffer().get(at, b, 0, len);
        }
        nb.setup(bp.flags(), nblk, b, 0, len);
        if (trace != null) {
            traceIssue(en, index, dataOff, len, nblk);
        }
        holder[0] = new byte[0]; // a nested dmstrategy on this thread gets its own
        try {
            en.target.strategy(en, nb, scratch, trace, 2);
        } finally {
            holder[0] = b;
        }
        if (bp.isRead()) {
            bp.buffer().put(at, b, 0, len);
        }
        return DmTarget.outcome(nb, len);
    }

    // The strategy path's steps are emitted from these separate methods so that the path
    // itself stays small enough for the JIT to inline.

    private void traceStart(String path, Buf bp) {
        trace.emit(0, DMSTRATEGY, path, bp.blkno(), bp.bcount(), bp.isRead() ? "read" : "write");
    }

    private void traceTruncated(Buf bp, long size) {
        trace.emit(1, TRUNCATED, bp.bcount(), size);
    }

    private void traceTable(DmTable t) {
        trace.emit(1, GET_ENTRY, t.array.length, t.fast);
    }

    private void traceIssue(DmTableEntry en, int index, long dataOff, int len, long nblk) {
        trace.emit(1, NESTIOBUF_SETUP, index, en.toString(), dataOff, len, nblk);
    }

    private void noDevice(Buf bp, int bcount) {
        bp.setError(Errno.EIO);
        bp.setResid(bcount);
        if (trace != null) {
            trace.emit(1, NO_DEVICE, Errno.EIO);
        }
    }

    private static void fail(Buf bp, Errno e, int bcount) {
        bp.setError(e);
        bp.setResid(bcount);
    }

    // trace points
    private static final TracePoint DMSTRATEGY = TracePoint.of("dmstrategy",
            "dmstrategy {path} blkno {blkno} bcount {bcount} {direction}");
    private static final TracePoint NO_DEVICE = TracePoint.of("dm_dev_lookup_minor",
            "dm_dev_lookup_minor: no such device -> {error}");
    private static final TracePoint TOO_DEEP = TracePoint.of("dmstrategy",
            "dmstrategy: nested deeper than {max_stack} devices -> {error} (NetBSD: stack overflow)");
    private static final TracePoint BLKNO_NEGATIVE = TracePoint.of("bounds_check_with_mediasize",
            "bounds_check_with_mediasize: blkno < 0 -> {error}");
    private static final TracePoint AT_EOF = TracePoint.of("bounds_check_with_mediasize",
            "bounds_check_with_mediasize: blkno {blkno} == size -> EOF");
    private static final TracePoint PAST_EOF = TracePoint.of("bounds_check_with_mediasize",
            "bounds_check_with_mediasize: blkno {blkno} > size {size} -> {error}");
    private static final TracePoint TRUNCATED = TracePoint.of("bounds_check_with_mediasize",
            "bounds_check_with_mediasize: truncated to {bcount} bytes (size {size})");
    private static final TracePoint GET_ENTRY = TracePoint.of("dm_table_get_entry",
            "dm_table_get_entry: active table, {entries} entries, {sorted?sorted: binary search|unsorted or overlapping: list walk}");
    private static final TracePoint NESTIOBUF_SETUP = TracePoint.of("nestiobuf_setup",
            "entry {entry} ({table_entry}): nestiobuf_setup offset {offset}, {bcount} bytes, blkno {blkno}");
    private static final TracePoint NOT_MAPPED = TracePoint.of("nestiobuf_done",
            "nestiobuf_done: {bytes} bytes not mapped -> {error}");
    private static final TracePoint BIODONE = TracePoint.of("biodone", "biodone: error {error}, resid {resid}");
}
