package org.dmemu.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * A booted emulated kernel with memory-backed disks {@code wd1 … wdN}, and the ioctl sequences
 * (create, reload, resume) that set up dm devices on it, the way dmctl would.
 *
 * <p>Every step is checked: a benchmark that silently measured a failed setup (an empty table
 * answering EOF, a reload rejected with errno 0 as NetBSD does) would produce fast, meaningless
 * numbers. Setup failures throw {@link IllegalStateException} and abort the trial.
 */
public final class DmRig implements AutoCloseable {
    /** The sector size of every benchmark disk. */
    public static final int SECSIZE = 512;
    /** {@code prop_object_copyin_limit}: requests this long or longer fail with E2BIG. */
    public static final int COPYIN_LIMIT = 128 * 1024;

    private final Kernel kernel;
    private final int disks;
    private final long diskBytes;

    private DmRig(Kernel kernel, int disks, long diskBytes) {
        this.kernel = kernel;
        this.disks = disks;
        this.diskBytes = diskBytes;
    }

    /** Boots a kernel with {@code disks} memory disks of {@code diskBytes} each. */
    public static DmRig boot(int disks, long diskBytes) {
        return boot(disks, diskBytes, Set.of());
    }

    /** {@link #boot(int, long)} with extra targets compiled in ({@code --targets}). */
    public static DmRig boot(int disks, long diskBytes, Set<String> extraTargets) {
        List<DiskSpec> specs = new ArrayList<>();
        for (int i = 1; i <= disks; i++) {
            specs.add(new DiskSpec("wd" + i, "mem:" + diskBytes, SECSIZE));
        }
        try {
            return new DmRig(Kernel.boot(new KernelConfig(specs, extraTargets, false, false, null)),
                    disks, diskBytes);
        } catch (IOException e) {
            throw new IllegalStateException("kernel boot failed: " + e, e);
        }
    }

    /** The block device of disk {@code i} (1-based) as a dm table names it. */
    public static String pdevPath(int i) {
        return "/dev/wd" + i + "a";
    }

    /** The raw whole-disk node of disk {@code i}: the emulated disk's strategy without dm. */
    public static String rawPath(int i) {
        return "/dev/rwd" + i + "d";
    }

    public Kernel kernel() {
        return kernel;
    }

    public int disks() {
        return disks;
    }

    public long diskBytes() {
        return diskBytes;
    }

    /** One ioctl on the control node; throws unless the ioctl itself returned 0. */
    public byte[] ioctl(byte[] request) {
        if (request.length >= COPYIN_LIMIT) {
            throw new IllegalStateException("request of " + request.length + " bytes is over the copyin limit");
        }
        IoctlResult r = kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, request, request.length);
        if (r.errno() != 0) {
            throw new IllegalStateException("ioctl returned errno " + r.errno());
        }
        return r.out();
    }

    /** {@code create NAME}; checks the reply carries {@code DM_EXISTS_FLAG}. */
    public void create(String name) {
        long flags = DmRequest.replyFlags(ioctl(DmRequest.simple("create", name, 0)));
        if (flags < 0 || (flags & DmRequest.DM_EXISTS_FLAG) == 0) {
            throw new IllegalStateException("create " + name + " failed: reply flags " + flags);
        }
    }

    /** {@code reload NAME} with the given entries; returns the reply. */
    public byte[] reload(String name, List<DmRequest.Entry> entries) {
        return ioctl(DmRequest.reload(name, entries));
    }

    /** {@code resume NAME}. */
    public void resume(String name) {
        ioctl(DmRequest.simple("resume", name, DmRequest.DM_EXISTS_FLAG));
    }

    /**
     * Creates {@code name} with the given table, resumes it, opens {@code /dev/mapper/NAME} and
     * checks that it is {@code expectSectors} sectors long ({@link #checkSectors}).
     *
     * @param expect the error a read inside the device ends with (EIO for the error target)
     */
    public DiskHandle device(String name, List<DmRequest.Entry> entries, long expectSectors, Errno expect) {
        create(name);
        reload(name, entries);
        resume(name);
        DiskHandle h = open("/dev/mapper/" + name);
        checkSectors(h, expectSectors, expect);
        return h;
    }

    /** Opens a node, turning the checked exception into a setup failure. */
    public DiskHandle open(String path) {
        try {
            return kernel.open(path);
        } catch (KernelException e) {
            throw new IllegalStateException("open " + path + ": " + e.errno() + " " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code h} is {@code sectors} sectors long by I/O, as dmstrategy sees it: the
     * last sector reads (with {@code expect}), and a read at {@code sectors} is end of file (no
     * error, nothing transferred). The media size cannot be used: a table of only zero or error
     * entries reports sector size 0 and so media size 0 (spec §8.6).
     */
    public static void checkSectors(DiskHandle h, long sectors, Errno expect) {
        io(h, Buf.B_READ, sectors - 1, new byte[SECSIZE], expect);
        Buf eof = new Buf().setup(Buf.B_READ, sectors, new byte[SECSIZE], 0, SECSIZE);
        h.strategy(eof);
        if (eof.error() != Errno.NONE || eof.resid() != SECSIZE) {
            throw new IllegalStateException(h.path() + ": a read at sector " + sectors + " gave " + eof
                    + ", expected end of file (table not loaded as intended)");
        }
    }

    /**
     * Runs one transfer and checks its outcome; used in setup only.
     *
     * @return the buf, for the caller to inspect
     */
    public static Buf io(DiskHandle h, int flags, long blkno, byte[] data, Errno expect) {
        Buf bp = new Buf().setup(flags, blkno, data, 0, data.length);
        h.strategy(bp);
        int expectResid = expect == Errno.NONE ? 0 : data.length;
        if (bp.error() != expect || bp.resid() != expectResid) {
            throw new IllegalStateException(h.path() + ": " + bp + ", expected error " + expect
                    + " resid " + expectResid);
        }
        return bp;
    }

    /** Fills every disk with a position-dependent pattern, so that no read hits an unwritten chunk. */
    public void fillDisks() {
        byte[] chunk = new byte[1 << 20];
        for (int d = 1; d <= disks; d++) {
            try (DiskHandle raw = open(rawPath(d))) {
                for (long pos = 0; pos < diskBytes; pos += chunk.length) {
                    pattern(chunk, d, pos);
                    int n = (int) Math.min(chunk.length, diskBytes - pos);
                    byte[] data = n == chunk.length ? chunk : Arrays.copyOf(chunk, n);
                    io(raw, Buf.B_WRITE, pos / SECSIZE, data, Errno.NONE);
                }
            }
        }
    }

    /** The pattern {@link #fillDisks} writes: byte at disk position p of disk d. */
    static void pattern(byte[] b, int disk, long pos) {
        for (int i = 0; i < b.length; i++) {
            long p = pos + i;
            b[i] = (byte) (p * 31 + (p >>> 9) * 7 + disk);
        }
    }

    @Override
    public void close() {
        kernel.close();
    }
}
