package org.dmemu.dev.dm.target;

import java.util.concurrent.locks.LockSupport;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * Emulates sys/dev/dm/dm_target_delay.c rev 1.2: {@code delay DEV OFFSET MS [WDEV WOFFSET WMS]},
 * version 1.0.0. Not part of a standard NetBSD build (not hooked into dm.kmod); present only
 * when {@code --targets delay} names it. Hooks: table, sync, secsize (no info hook).
 *
 * <p>The delay is stored in ticks: {@code tmp * hz / 1000} with {@code tmp} the int value of
 * {@code atoi64(MS)} and hz = 100 (amd64's default), and the table hook prints ticks, not
 * milliseconds.
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>The tick product is computed in 64 bits ({@link #ticks}), as {@code mstohz} does on LP64;
 *     NetBSD's {@code int} product overflows (undefined behaviour) above 21,474,836 ms and
 *     prints a negative or garbage delay. Below that both agree.</li>
 * <li>The wait ends early when the I/O thread is interrupted (its interrupt stays set): a
 *     daemon shutting down is not held by delayed transfers.</li>
 * <li>NetBSD queues delayed bufs and compares their expiry with the constant {@code tick}
 *     (microseconds per tick) instead of the tick counter, so a delayed buf is only released
 *     when the table is destroyed. dmemu performs the I/O after sleeping {@code ticks × 10 ms}
 *     in the calling thread.</li>
 * </ul>
 */
public final class DmTargetDelay implements DmTarget {
    /** {@code hz} of the emulated kernel. */
    public static final int HZ = 100;

    /** One direction: {@code struct dm_delay_info}. */
    public record Info(DmPdev pdev, long offset, int delay) {
    }

    /** {@code target_delay_config}. */
    public record Config(Info read, Info write, int argc) {
    }

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public int[] version() {
        return new int[] {1, 0, 0};
    }

    /** argc not 3 or 6 → EINVAL; a device that cannot be opened → ENOENT. */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        int argc = argv.length;
        if (argc != 3 && argc != 6) {
            throw new DmException(Errno.EINVAL, "delay takes 3 or 6 args, " + argc + " given");
        }
        Info r = info(pdevs, argv, 0);
        Info w;
        try {
            w = info(pdevs, argv, argc == 6 ? 3 : 0);
        } catch (DmException e) {
            pdevs.release(r.pdev);
            throw e;
        }
        entry.addDeps(r.pdev);
        entry.addDeps(w.pdev);
        entry.setConfig(new Config(r, w, argc));
    }

    private static Info info(DmPdevList pdevs, String[] argv, int at) throws DmException {
        DmPdev p = pdevs.insert(argv[at]);
        if (p == null) {
            throw new DmException(Errno.ENOENT, "delay: cannot open " + argv[at]);
        }
        int ms = (int) DmTarget.atoi64(argv[at + 2]);
        return new Info(p, DmTarget.atoi64(argv[at + 1]), ticks(ms));
    }

    /**
     * {@code tmp * hz / 1000} without overflow: the product in 64 bits (|result| ≤ 2^31 / 10,
     * so it always fits an int), as {@code mstohz()} computes it on LP64.
     */
    static int ticks(int ms) {
        return (int) ((long) ms * HZ / 1000);
    }

    /** {@code "<major:minor> <offset> <ticks>"}, twice (space-separated) when loaded with 6 args. */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        String s = table(c.read);
        return c.argc == 6 ? s + " " + table(c.write) : s;
    }

    private static String table(Info i) {
        return i.pdev.udevName() + " " + Long.toUnsignedString(i.offset) + " " + i.delay;
    }

    /** Moves bytes only through the disks and Buf's own methods: ByteBuffer bufs pass as they are. */
    @Override
    public boolean buffers() {
        return true;
    }

    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        Info i = nb.isRead() ? c.read : c.write;
        if (trace != null) {
            trace.emit(depth, DELAY, i.delay, i.offset);
        }
        if (i.delay > 0) {
            sleepTicks(i.delay);
        }
        nb.setBlkno(nb.blkno() + i.offset);
        i.pdev.strategy(nb, depth + 1);
    }

    /**
     * Sleeps {@code ticks} × 10 ms: to the deadline despite spurious wake-ups, or until the
     * thread is interrupted (the interrupt stays set for the caller).
     */
    private static void sleepTicks(int ticks) {
        long deadline = System.nanoTime() + ticks * (1_000_000_000L / HZ);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return ((Config) entry.config()).write.pdev.sync();
    }

    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            pdevs.release(c.read.pdev);
            pdevs.release(c.write.pdev);
        }
    }

    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? c.write.pdev.secsize() : 0;
    }

    // trace points

    private static final TracePoint DELAY = TracePoint.of("dm_target_delay_strategy",
            "dm_target_delay_strategy: delay {delay} ticks, blkno += {offset}");
}
