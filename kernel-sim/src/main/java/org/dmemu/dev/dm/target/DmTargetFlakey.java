package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates sys/dev/dm/dm_target_flakey.c rev 1.4:
 * {@code flakey DEV OFFSET UP DOWN [N FEATURE…]} with features {@code drop_writes} and
 * {@code corrupt_bio_byte NTH r|w VALUE FLAGS}, version 1.0.0. Not part of a standard NetBSD
 * build; present only when {@code --targets flakey} names it. Hooks: table, sync, secsize.
 *
 * <p>NetBSD stores the constant {@code tick} (microseconds per clock tick: 10000 at hz = 100)
 * as the load time and computes the elapsed time as {@code (tick - offset_time) / hz} = 0,
 * so the device is always in its "up" phase unless UP is 0 (or negative after the int cast),
 * when it is always "down". The table hook prints that constant where the offset belongs.
 * dmemu reproduces both facts, which makes the target deterministic.
 *
 * <p>Down phase: reads fail with EIO unless a feature is set (then they pass through); writes
 * are dropped (success, nothing written) with {@code drop_writes}, corrupted then written with
 * {@code corrupt_bio_byte … w …}, otherwise fail with EIO.
 *
 * <p>Differences from NetBSD: fields NetBSD leaves uninitialised (kmem_alloc) start at 0; a
 * feature list shorter than its count, or a negative count, gives EINVAL instead of a NULL
 * dereference. A failure after the device was opened releases the pdev reference (NetBSD's
 * {@code dm_target_flakey_init} returns without {@code dm_pdev_decr}, so the disk stays
 * referenced, and open, forever).
 */
public final class DmTargetFlakey implements DmTarget {
    /** {@code tick} at hz = 100. */
    public static final int TICK = 10000;
    private static final int BUF_CMD_READ = 1;
    private static final int BUF_CMD_WRITE = 2;

    /** {@code target_flakey_config}. */
    public record Config(DmPdev pdev, long offset, int upInt, int downInt, int offsetTime, boolean dropWrites,
                         long corruptByte, int corruptRw, long corruptValue, long corruptFlags) {
    }

    @Override
    public String name() {
        return "flakey";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 0};
    }

    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        int argc = argv.length;
        if (argc < 4) {
            throw new DmException(Errno.EINVAL, "flakey takes at least 4 args, " + argc + " given");
        }
        DmPdev p = pdevs.insert(argv[0]);
        if (p == null) {
            throw new DmException(Errno.ENOENT, "flakey: cannot open " + argv[0]);
        }
        try {
            entry.setConfig(parse(p, argv));
        } catch (DmException e) {
            pdevs.release(p); // NetBSD returns without dm_pdev_decr: the reference leaks
            throw e;
        }
        entry.addDeps(p);
    }

    /** The checks after {@code dm_pdev_insert}, in NetBSD's order; the config they describe. */
    private static Config parse(DmPdev p, String[] argv) throws DmException {
        int argc = argv.length;
        long offset = DmTarget.atoi64(argv[1]);
        int up = (int) DmTarget.atoi64(argv[2]);
        int down = (int) DmTarget.atoi64(argv[3]);
        if (up + down == 0) {
            throw new DmException(Errno.EINVAL, "flakey: sum of up/down interval is 0");
        }
        if (up + down < up) {
            throw new DmException(Errno.EINVAL, "flakey: interval time overflow");
        }
        boolean drop = false;
        long nth = 0;
        int rw = 0;
        long value = 0;
        long flags = 0;
        if (argc > 4) {
            int n = (int) DmTarget.atoi64(argv[4]);
            int i = 5;
            if (n > 6 || n < 0) {
                throw new DmException(Errno.EINVAL, "flakey: invalid # of feature args " + n);
            }
            while (n > 0) {
                n--;
                String arg = i < argc ? argv[i++] : null;
                if (arg == null) {
                    throw new DmException(Errno.EINVAL, "flakey: missing feature argument");
                }
                if (arg.equals("drop_writes")) {
                    drop = true;
                    continue;
                }
                if (arg.equals("corrupt_bio_byte")) {
                    if (n < 4 || i + 4 > argc) {
                        throw new DmException(Errno.EINVAL, "flakey: invalid # of feature args " + n
                                + " for corrupt_bio_byte");
                    }
                    n -= 4;
                    long v = DmTarget.atoi64(argv[i++]) & 0xffffffffL;
                    if (v < 1) {
                        throw new DmException(Errno.EINVAL, "flakey: invalid corrupt_bio_byte <Nth_byte> " + v);
                    }
                    nth = v;
                    String dir = argv[i++];
                    if (dir.equals("r")) {
                        rw = BUF_CMD_READ;
                    } else if (dir.equals("w")) {
                        rw = BUF_CMD_WRITE;
                    } else {
                        throw new DmException(Errno.EINVAL, "flakey: invalid corrupt_bio_byte <direction> " + dir);
                    }
                    v = DmTarget.atoi64(argv[i++]) & 0xffffffffL;
                    if (v > 0xff) {
                        throw new DmException(Errno.EINVAL, "flakey: invalid corrupt_bio_byte <value> " + v);
                    }
                    value = v;
                    flags = DmTarget.atoi64(argv[i++]) & 0xffffffffL;
                    continue;
                }
                throw new DmException(Errno.EINVAL, "flakey: unknown feature " + arg);
            }
            if (drop && rw == BUF_CMD_WRITE) {
                throw new DmException(Errno.EINVAL, "flakey: drop_writes and corrupt_bio_byte w");
            }
        }
        return new Config(p, offset, up, down, TICK, drop, nth, rw, value, flags);
    }

    /** {@code "<major:minor> <tick> <up> <down> <nfeatures> [drop_writes] [corrupt_bio_byte …]"}. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        StringBuilder sb = new StringBuilder();
        sb.append(c.pdev.udevName()).append(' ').append(c.offsetTime).append(' ').append(c.upInt).append(' ')
                .append(c.downInt).append(' ').append((c.dropWrites ? 1 : 0) + (c.corruptByte > 0 ? 5 : 0)).append(' ');
        if (c.dropWrites) {
            sb.append("drop_writes ");
        }
        if (c.corruptByte > 0) {
            sb.append("corrupt_bio_byte ").append(c.corruptByte).append(' ')
                    .append(c.corruptRw == BUF_CMD_READ ? 'r' : 'w').append(' ').append(c.corruptValue).append(' ')
                    .append(c.corruptFlags).append(' ');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** Moves bytes only through the disks and Buf's own methods: ByteBuffer bufs pass as they are. */
    @Override
    public boolean buffers() {
        return true;
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        int elapsed = (TICK - c.offsetTime) / DmTargetDelay.HZ;
        boolean down = elapsed % (c.upInt + c.downInt) >= c.upInt;
        if (trace != null) {
            trace.emit(depth, PHASE, down);
        }
        if (down) {
            if (nb.isRead()) {
                if (c.corruptByte == 0 && !c.dropWrites) {
                    nb.setError(Errno.EIO);
                    nb.setResid(0);
                    return;
                }
            } else {
                if (c.dropWrites) {
                    nb.setResid(0);
                    return;
                }
                if (c.corruptByte > 0 && c.corruptRw == BUF_CMD_WRITE) {
                    if (nb.bcount() >= c.corruptByte && (nb.flags() & c.corruptFlags) == c.corruptFlags) {
                        nb.setByte((int) (c.corruptByte - 1), (byte) c.corruptValue);
                    }
                } else {
                    nb.setError(Errno.EIO);
                    nb.setResid(0);
                    return;
                }
            }
        }
        nb.setBlkno(nb.blkno() + c.offset);
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

    // trace points

    private static final TracePoint PHASE = TracePoint.of("dm_target_flakey_strategy",
            "dm_target_flakey_strategy: {down?down|up} phase");
}
