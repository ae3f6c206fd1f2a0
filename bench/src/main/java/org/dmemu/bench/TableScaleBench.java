package org.dmemu.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How {@code dmstrategy} scales with the size of the active table: the same 4 KiB read, on a
 * table of {@link #entries} linear entries of 16 sectors each (all on {@code /dev/wd1a}), at
 * the first block of the middle entry. NetBSD walks the whole entry list for every transfer;
 * a score that falls with the entry count shows the emulator does too.
 *
 * <p>Building a 10,000-entry table: one {@code reload} of 10,000 entries is about 2 MB of
 * XML, over proplib's 128 KiB copyin limit (E2BIG). So the table is loaded the way NetBSD's
 * own quirk allows (spec §3.12 steps 2, 4a, 4d): chunks of at most {@value #CHUNK} entries,
 * each followed by an entry of an unknown target type so that the reload fails with ENOENT and
 * leaves its entries in the inactive slot; later chunks are linked in front of earlier ones,
 * so chunks are sent from the end of the device backwards; the last chunk succeeds, and a
 * resume activates the lot. The setup checks the media size and the data of the read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TableScaleBench {
    /** Sectors per table entry. */
    static final int ENTRY_SECTORS = 16;
    /** Entries per reload request (about 110 KiB of XML, under the 128 KiB copyin limit). */
    static final int CHUNK = 500;
    /** The disk: 16 MiB; entry i maps to sector (i·16) mod 32768 of it. */
    static final long DISK_BYTES = 16L << 20;
    static final int SIZE = 4096;

    @Param({"1", "100", "10000"})
    public int entries;

    DmRig rig;
    DiskHandle dm;
    Buf buf;
    byte[] data;
    long blkno;

    /** Entry i of the table: sectors [16i, 16i+16) of the device. */
    static DmRequest.Entry entry(int i) {
        long diskSectors = DISK_BYTES / DmRig.SECSIZE;
        return new DmRequest.Entry((long) i * ENTRY_SECTORS, ENTRY_SECTORS, "linear",
                DmRig.pdevPath(1) + " " + ((long) i * ENTRY_SECTORS) % diskSectors);
    }

    @Setup(Level.Trial)
    public void setup() {
        rig = DmRig.boot(1, DISK_BYTES);
        rig.fillDisks();
        String name = "scale0";
        rig.create(name);
        int hi = entries;
        while (hi > 0) {
            int lo = Math.max(0, hi - CHUNK);
            List<DmRequest.Entry> chunk = new ArrayList<>();
            for (int i = lo; i < hi; i++) {
                chunk.add(entry(i));
            }
            if (lo > 0) {
                // Keeps this chunk in the inactive slot: the reload fails at this entry (ENOENT).
                chunk.add(new DmRequest.Entry(0, 1, "nosuchtarget", ""));
            }
            rig.reload(name, chunk);
            hi = lo;
        }
        rig.resume(name);
        dm = rig.open("/dev/mapper/" + name);
        DmRig.checkSectors(dm, (long) entries * ENTRY_SECTORS, Errno.NONE);
        int mid = entries / 2;
        blkno = (long) mid * ENTRY_SECTORS;
        data = new byte[SIZE];
        DmRig.io(dm, Buf.B_READ, blkno, data, Errno.NONE);
        byte[] want = new byte[SIZE];
        DmRig.pattern(want, 1, (blkno % (DISK_BYTES / DmRig.SECSIZE)) * DmRig.SECSIZE);
        if (!java.util.Arrays.equals(data, want)) {
            throw new IllegalStateException("read through the " + entries + "-entry table returned wrong data");
        }
        buf = new Buf();
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (buf.error() != Errno.NONE || buf.resid() != 0) {
            throw new IllegalStateException("unexpected outcome " + buf);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dm.close();
        rig.close();
    }

    @Benchmark
    public Buf read4k() {
        Buf bp = buf.setup(Buf.B_READ, blkno, data, 0, SIZE);
        dm.strategy(bp);
        return bp;
    }
}
