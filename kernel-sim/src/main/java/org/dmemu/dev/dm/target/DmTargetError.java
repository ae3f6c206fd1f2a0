package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates sys/dev/dm/dm_target_error.c rev 1.29: {@code error} (no params), version 1.0.0.
 * Every I/O fails with EIO. No table/info/sync/secsize hooks.
 *
 * <p>Differences from NetBSD: the dmemu hooks {@code blockStatus} and {@code discard} (see
 * {@link DmTarget}); NetBSD's target has neither.
 */
public final class DmTargetError implements DmTarget {
    @Override
    public String name() {
        return "error";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 0};
    }

    /** argc ≠ 0 → EINVAL. */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length != 0) {
            throw new DmException(Errno.EINVAL, "error target takes no args, " + argv.length + " given");
        }
    }

    /** Moves bytes only through the disks and Buf's own methods: ByteBuffer bufs pass as they are. */
    @Override
    public boolean buffers() {
        return true;
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        if (trace != null) {
            trace.emit(depth, FAIL, Errno.EIO);
        }
        nb.setError(Errno.EIO);
        nb.setResid(0);
    }

    /** Data (reads fail; claiming zeros would be wrong). */
    @Override
    public Errno blockStatus(DmTableEntry entry, long blkno, long count, Extents out) {
        out.add(count << Buf.DEV_BSHIFT, Extents.DATA);
        return Errno.NONE;
    }

    /** Every I/O fails: so does a discard, with EIO. */
    @Override
    public Errno discard(DmTableEntry entry, long blkno, long count) {
        return Errno.EIO;
    }

    // trace points

    private static final TracePoint FAIL = TracePoint.of("dm_target_error_strategy",
            "dm_target_error_strategy: {error}");
}
