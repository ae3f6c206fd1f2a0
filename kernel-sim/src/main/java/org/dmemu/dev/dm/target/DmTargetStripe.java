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
 * Emulates sys/dev/dm/dm_target_stripe.c rev 1.45: {@code striped COUNT CHUNK (DEV OFFSET)…},
 * version 1.0.3.
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>Fewer DEV/OFFSET pairs than COUNT: NetBSD dereferences NULL; here ENOENT.</li>
 * <li>COUNT 0 (e.g. 256, cut to 8 bits) or CHUNK 0: NetBSD divides by zero at the first I/O;
 *     here every I/O fails with EIO.</li>
 * <li>The dmemu hooks {@code blockStatus} and {@code discard} (see {@link DmTarget}).</li>
 * </ul>
 */
public final class DmTargetStripe implements DmTarget {
    /** {@code target_stripe_config}: 8-bit stripe count, chunk size in sectors, the stripes. */
    public record Config(int count, long chunk, DmPdev[] pdevs, long[] offsets) {
    }

    @Override
    public String name() {
        return "striped";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 3};
    }

    /** argc &lt; 2 → EINVAL; a missing or unopenable stripe device → ENOENT (all released). */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length < 2) {
            throw new DmException(Errno.EINVAL, "striped takes at least 2 args, " + argv.length + " given");
        }
        int count = (int) (DmTarget.atoi64(argv[0]) & 0xff);
        long chunk = DmTarget.atoi64(argv[1]);
        DmPdev[] ps = new DmPdev[count];
        long[] offs = new long[count];
        for (int i = 0; i < count; i++) {
            int a = 2 + 2 * i;
            DmPdev p = a + 1 < argv.length ? pdevs.insert(argv[a]) : null;
            if (p == null) {
                for (int j = 0; j < i; j++) {
                    pdevs.release(ps[j]);
                }
                throw new DmException(Errno.ENOENT, "striped: stripe " + i + ": "
                        + (a + 1 < argv.length ? "cannot open " + argv[a] : "missing device/offset"));
            }
            ps[i] = p;
            offs[i] = DmTarget.atoi64(argv[a + 1]);
        }
        for (DmPdev p : ps) {
            entry.addDeps(p);
        }
        entry.setConfig(new Config(count, chunk, ps, offs));
    }

    /** {@code "<count> <chunk>"} then {@code " <major:minor> <offset>"} per stripe. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        StringBuilder sb = new StringBuilder().append(c.count).append(' ').append(Long.toUnsignedString(c.chunk));
        for (int i = 0; i < c.count; i++) {
            sb.append(' ').append(c.pdevs[i].udevName()).append(' ').append(Long.toUnsignedString(c.offsets[i]));
        }
        return sb.toString();
    }

    /** {@code "<count> "}, {@code "<major:minor> "} per stripe, {@code "1 "}, one {@code A} per stripe. */
    @Override
    public String info(DmTableEntry entry) {
        Config c = (Config) entry.config();
        StringBuilder sb = new StringBuilder().append(c.count).append(' ');
        for (int i = 0; i < c.count; i++) {
            sb.append(c.pdevs[i].udevName()).append(' ');
        }
        sb.append("1 ");
        for (int i = 0; i < c.count; i++) {
            sb.append('A');
        }
        return sb.toString();
    }

    /**
     * The stripe mapping of sector {@code blkno} of the entry: {@code {stripe index, block on
     * that stripe's device (before its offset is added), sectors left in this chunk}}.
     * A pure function (uint64 arithmetic), used by tests; the strategy inlines it.
     */
    public static long[] mapSector(long blkno, int count, long chunk) {
        long stripe = Long.divideUnsigned(blkno, chunk);
        long off = Long.remainderUnsigned(blkno, chunk);
        long dev = Long.remainderUnsigned(stripe, count);
        long row = Long.divideUnsigned(stripe, count);
        return new long[] {dev, row * chunk + off, chunk - off};
    }

    /** Moves bytes only through the disks and Buf's own methods: ByteBuffer bufs pass as they are. */
    @Override
    public boolean buffers() {
        return true;
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        int len = nb.bcount();
        if (c.count == 0 || c.chunk == 0) {
            if (trace != null) {
                trace.emit(depth, NO_STRIPES, Errno.EIO);
            }
            nb.setError(Errno.EIO);
            nb.setResid(len);
            return;
        }
        long blkno = nb.blkno();
        int done = 0;
        Errno err = Errno.NONE;
        long chunk = c.chunk;
        int count = c.count;
        while (done < len) {
            long stripe;
            long off;
            if (blkno >= 0) {
                stripe = blkno / chunk;
                off = blkno % chunk;
            } else {
                stripe = Long.divideUnsigned(blkno, chunk);
                off = Long.remainderUnsigned(blkno, chunk);
            }
            int dev = (int) Long.remainderUnsigned(stripe, count);
            long row = Long.divideUnsigned(stripe, count);
            long left = (chunk - off) * 512;
            int n = (left > 0 && left < len - done) ? (int) left : len - done;
            long devblk = row * chunk + off + c.offsets[dev];
            scratch.setupSlice(nb.flags(), devblk, nb, done, n);
            if (trace != null) {
                trace.emit(depth, STRIPE, blkno, dev, c.pdevs[dev].name(), c.pdevs[dev].udevName(), devblk, n);
            }
            c.pdevs[dev].strategy(scratch, depth + 1);
            Errno e = DmTarget.outcome(scratch, n);
            if (e != Errno.NONE) {
                err = e;
            }
            done += n;
            blkno += (n + 511) / 512;
        }
        nb.setError(err);
        nb.setResid(err == Errno.NONE ? 0 : len);
    }

    /** DIOCCACHESYNC on each stripe device; stops at and returns the first error. */
    @Override
    public Errno sync(DmTableEntry entry) {
        Config c = (Config) entry.config();
        for (int i = 0; i < c.count; i++) {
            Errno e = c.pdevs[i].sync();
            if (e != Errno.NONE) {
                return e;
            }
        }
        return Errno.NONE;
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            for (DmPdev p : c.pdevs) {
                pdevs.release(p);
            }
        }
    }

    /** The largest sector size of the stripe devices. */
    @Override
    public int secsize(DmTableEntry entry) {
        int s = 0;
        if (entry.config() instanceof Config c) {
            for (DmPdev p : c.pdevs) {
                s = Math.max(s, p.secsize());
            }
        }
        return s;
    }

    /**
     * Chunk by chunk ({@link #mapSector}), each piece asked of its stripe's pdev. A zero stripe
     * count or chunk size (where strategy fails with EIO) reports data.
     */
    @Override
    public Errno blockStatus(DmTableEntry entry, long blkno, long count, Extents out) {
        Config c = (Config) entry.config();
        if (c.count == 0 || c.chunk == 0) {
            out.add(count << Buf.DEV_BSHIFT, Extents.DATA);
            return Errno.NONE;
        }
        while (count > 0 && !out.full()) {
            long[] m = mapSector(blkno, c.count, c.chunk);
            int dev = (int) m[0];
            long n = Long.compareUnsigned(m[2], count) < 0 ? m[2] : count;
            Errno e = c.pdevs[dev].blockStatus(m[1] + c.offsets[dev], n, out);
            if (e != Errno.NONE) {
                return e;
            }
            blkno += n;
            count -= n;
        }
        return Errno.NONE;
    }

    /** Chunk by chunk, each piece discarded on its stripe's pdev; the first error ends it. */
    @Override
    public Errno discard(DmTableEntry entry, long blkno, long count) {
        Config c = (Config) entry.config();
        if (c.count == 0 || c.chunk == 0) {
            return Errno.EIO;
        }
        while (count > 0) {
            long[] m = mapSector(blkno, c.count, c.chunk);
            int dev = (int) m[0];
            long n = Long.compareUnsigned(m[2], count) < 0 ? m[2] : count;
            Errno e = c.pdevs[dev].discard(m[1] + c.offsets[dev], n);
            if (e != Errno.NONE) {
                return e;
            }
            blkno += n;
            count -= n;
        }
        return Errno.NONE;
    }

    // trace points

    private static final TracePoint NO_STRIPES = TracePoint.of("dm_target_stripe_strategy",
            "dm_target_stripe_strategy: stripe count or chunk 0 -> {error}");
    private static final TracePoint STRIPE = TracePoint.of("dm_target_stripe_strategy",
            "dm_target_stripe_strategy: entry blkno {blkno} -> stripe {stripe_devnr} {pdev} ({udev})"
            + " blkno {nestbuf_blkno}, {bcount} bytes");
}
