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
 * Emulates sys/dev/dm/dm_target_zero.c: {@code zero} (no params), version 1.0.0. Fills the buf
 * with zeros for reads <em>and writes</em> (a write's source buffer is zeroed), no error.
 *
 * <p>Differences from NetBSD: the dmemu hooks {@code blockStatus} and {@code discard} (see
 * {@link DmTarget}); NetBSD's target has neither.
 */
public final class DmTargetZero implements DmTarget {
    @Override
    public String name() {
        return "zero";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 0};
    }

    /** argc ≠ 0 → EINVAL. */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length != 0) {
            throw new DmException(Errno.EINVAL, "zero target takes no args, " + argv.length + " given");
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
            trace.emit(depth, ZEROS, nb.bcount());
        }
        nb.zero();
        nb.setResid(0);
    }

    /** Reads are zeros and writes vanish: every sector is a zero hole. */
    @Override
    public Errno blockStatus(DmTableEntry entry, long blkno, long count, Extents out) {
        out.add(count << Buf.DEV_BSHIFT, Extents.HOLE | Extents.ZERO);
        return Errno.NONE;
    }

    /** Nothing is stored: a discard has nothing to do and succeeds. */
    @Override
    public Errno discard(DmTableEntry entry, long blkno, long count) {
        return Errno.NONE;
    }

    // trace points

    private static final TracePoint ZEROS = TracePoint.of("dm_target_zero_strategy",
            "dm_target_zero_strategy: {bcount} zero bytes");
}
