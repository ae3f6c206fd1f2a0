package org.dmemu.bench;

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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@code dmstrategy} (sys/dev/dm/device-mapper.c) through each built-in target, on memory
 * disks: one transfer of {@link #size} bytes per invocation, read or written, at a fixed block
 * of a per-thread region (so the bytes stay cache-hot, as in {@link BaselineBench}, and the
 * score is the cost dm and the target add, not the memory system's).
 *
 * <p>Targets ({@link #target}):
 * <ul>
 *   <li>{@code linear}: {@code 0 N linear /dev/wd1a 384} (the LVM-style 384-sector offset);
 *   <li>{@code striped2}, {@code striped4}: {@code striped 2|4 128 /dev/wd1a 384 /dev/wd2a 384 …}
 *       (64 KiB chunks, so 512 B–64 KiB aligned transfers touch one disk and 1 MiB touches 16).
 *       Every component starts at sector 384, as LVM's would: a write through {@code /dev/wdNa}
 *       covering the disk's label sector (sector 1) fails with EROFS
 *       ({@code bounds_check_with_label}), so a table at offset 0 could not be written;</li>
 *   <li>{@code zero}, {@code error}: no disk I/O at all; {@code error} completes with EIO, so its
 *       "throughput" is nominal (bytes are not moved) and it measures the dispatch cost alone.
 * </ul>
 *
 * <p>Threads: run with JMH {@code -t 2} (the suite's runner does both). The device and kernel
 * are shared ({@link Scope#Benchmark}), as two processes reading one dm disk would share them;
 * each thread has its own {@link Buf}, data array and 2 MiB region (no false sharing).
 *
 * <p>Every trial starts by checking a transfer's data against the disks (linear and striped
 * mapping, zero fill, error's EIO); every iteration ends by checking the last buf's outcome.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DmStrategyBench {
    /** Each benchmark disk: 16 MiB. */
    static final long DISK_BYTES = 16L << 20;
    /** Per-thread region: 2 MiB (4096 sectors); thread t transfers at block t·4096. */
    static final int REGION_SECTORS = 4096;
    /** The linear target's offset on /dev/wd1a (and each stripe's), in sectors: clear of the label sector. */
    static final long LINEAR_OFFSET = 384;
    /** The striped targets' chunk: 128 sectors = 64 KiB. */
    static final int CHUNK_SECTORS = 128;

    @Param({"linear", "striped2", "striped4", "zero", "error"})
    public String target;

    @Param({"512", "4096", "65536", "1048576"})
    public int size;

    DmRig rig;
    DiskHandle dm;
    /** The error every transfer must end with. */
    Errno expect;
    /** The device's size in sectors. */
    long sectors;

    /** The table of {@code target} over disks of {@link #DISK_BYTES}, and its size in sectors. */
    static List<DmRequest.Entry> table(String target, long diskSectors) {
        switch (target) {
            case "linear":
                return List.of(new DmRequest.Entry(0, diskSectors - LINEAR_OFFSET, "linear",
                        DmRig.pdevPath(1) + " " + LINEAR_OFFSET));
            case "striped2":
            case "striped4": {
                int n = target.charAt(7) - '0';
                StringBuilder p = new StringBuilder(n + " " + CHUNK_SECTORS);
                for (int i = 1; i <= n; i++) {
                    p.append(' ').append(DmRig.pdevPath(i)).append(' ').append(LINEAR_OFFSET);
                }
                long perDisk = (diskSectors - LINEAR_OFFSET) / CHUNK_SECTORS * CHUNK_SECTORS;
                return List.of(new DmRequest.Entry(0, n * perDisk, "striped", p.toString()));
            }
            case "zero":
            case "error":
                return List.of(new DmRequest.Entry(0, diskSectors, target, ""));
            default:
                throw new IllegalArgumentException("unknown target " + target);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        long diskSectors = DISK_BYTES / DmRig.SECSIZE;
        rig = DmRig.boot(4, DISK_BYTES);
        rig.fillDisks();
        List<DmRequest.Entry> t = table(target, diskSectors);
        expect = target.equals("error") ? Errno.EIO : Errno.NONE;
        sectors = t.get(0).length();
        dm = rig.device("bench0", t, sectors, expect);
        verify();
    }

    /** Reads thread region 1 through dm and checks every byte against the disks. */
    private void verify() {
        long blkno = REGION_SECTORS;
        byte[] got = new byte[size];
        DmRig.io(dm, Buf.B_READ, blkno, got, expect);
        byte[] want = new byte[size];
        switch (target) {
            case "linear":
                DmRig.pattern(want, 1, (blkno + LINEAR_OFFSET) * DmRig.SECSIZE);
                break;
            case "striped2":
            case "striped4": {
                int n = target.charAt(7) - '0';
                int chunk = CHUNK_SECTORS * DmRig.SECSIZE;
                byte[] one = new byte[1];
                for (int i = 0; i < size; i++) {
                    long p = blkno * DmRig.SECSIZE + i;
                    long stripe = p / chunk;
                    long devPos = (stripe / n) * chunk + p % chunk + LINEAR_OFFSET * DmRig.SECSIZE;
                    DmRig.pattern(one, (int) (stripe % n) + 1, devPos);
                    want[i] = one[0];
                }
                break;
            }
            case "error":
                return;
            default:
                break; // zero: all zero bytes
        }
        if (!java.util.Arrays.equals(got, want)) {
            throw new IllegalStateException(target + ": data read through dm differs from the disks");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dm.close();
        rig.close();
    }

    /** One thread's transfer state: its buf, data array and region. */
    @State(Scope.Thread)
    public static class Io {
        Buf buf;
        byte[] data;
        long blkno;
        Errno expect;

        @Setup(Level.Trial)
        public void setup(DmStrategyBench b, ThreadParams tp) {
            long end = (long) (tp.getThreadIndex() + 1) * REGION_SECTORS;
            if (end > b.sectors) {
                throw new IllegalStateException("too many threads for the benchmark disk: " + tp.getThreadCount());
            }
            buf = new Buf();
            data = new byte[b.size];
            DmRig.pattern(data, 9, 0);
            blkno = (long) tp.getThreadIndex() * REGION_SECTORS;
            expect = b.expect;
        }

        /** The last transfer of the iteration must have ended as expected. */
        @TearDown(Level.Iteration)
        public void check() {
            int resid = expect == Errno.NONE ? 0 : buf.bcount();
            if (buf.error() != expect || buf.resid() != resid) {
                throw new IllegalStateException("unexpected outcome " + buf);
            }
        }
    }

    @Benchmark
    public Buf read(Io io) {
        Buf bp = io.buf.setup(Buf.B_READ, io.blkno, io.data, 0, size);
        dm.strategy(bp);
        return bp;
    }

    @Benchmark
    public Buf write(Io io) {
        Buf bp = io.buf.setup(Buf.B_WRITE, io.blkno, io.data, 0, size);
        dm.strategy(bp);
        return bp;
    }
}
