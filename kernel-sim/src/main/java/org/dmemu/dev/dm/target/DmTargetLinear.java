package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates sys/dev/dm/dm_target_linear.c rev 1.37: {@code linear DEV OFFSET}, version 1.0.2.
 *
 * <p>Differences from NetBSD: the dmemu hooks {@code blockStatus} and {@code discard} (see
 * {@link DmTarget}); NetBSD's target has neither.
 */
public final class DmTargetLinear implements DmTarget {
    /** {@code target_linear_config}. */
    public record Config(DmPdev pdev, long offset) {
    }

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 2};
    }

    /** argc ≠ 2 → EINVAL; pdev not found → ENOENT; offset via atoi64. */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length != 2) {
            throw new DmException(Errno.EINVAL, "linear takes 2 args, " + argv.length + " given");
        }
        DmPdev p = pdevs.insert(argv[0]);
        if (p == null) {
            throw new DmException(Errno.ENOENT, "linear: cannot open " + argv[0]);
        }
        entry.setConfig(new Config(p, DmTarget.atoi64(argv[1])));
        entry.addDeps(p);
    }

    /** {@code "<major>:<minor> <offset>"}. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        return c.pdev.udevName() + " " + Long.toUnsignedString(c.offset);
    }

    /** Moves bytes only through the disks and Buf's own methods: ByteBuffer bufs pass as they are. */
    @Override
    public boolean buffers() {
        return true;
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        nb.setBlkno(nb.blkno() + c.offset);
        if (trace != null) {
            trace.emit(depth, REMAP, c.offset, c.pdev.name(), c.pdev.udevName(), nb.blkno());
        }
        c.pdev.strategy(nb, depth + 1);
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return ((Config) entry.config()).pdev.sync();
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            pdevs.release(c.pdev);
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? c.pdev.secsize() : 0;
    }

    /** The pdev's status at {@code blkno + offset}. */
    @Override
    public Errno blockStatus(DmTableEntry entry, long blkno, long count, Extents out) {
        Config c = (Config) entry.config();
        return c.pdev.blockStatus(blkno + c.offset, count, out);
    }

    /** Discards on the pdev at {@code blkno + offset}. */
    @Override
    public Errno discard(DmTableEntry entry, long blkno, long count) {
        Config c = (Config) entry.config();
        return c.pdev.discard(blkno + c.offset, count);
    }

    // trace points

    private static final TracePoint REMAP = TracePoint.of("dm_target_linear_strategy",
            "dm_target_linear_strategy: blkno += {offset:u} -> {pdev} ({udev}) blkno {blkno}");
}
