package org.dmemu.bench;

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
 * The two baselines every {@link DmStrategyBench} score is divided by, measured with the same
 * sizes, regions and thread counts:
 * <ul>
 *   <li>{@code arraycopyRead}/{@code arraycopyWrite}: one {@link System#arraycopy} of the
 *       same bytes between a 16 MiB array and the thread's buffer — the physical limit of a
 *       memory-backed linear map (it cannot move bytes faster than this);
 *   <li>{@code pdevRead}/{@code pdevWrite}: the emulated disk's own strategy routine
 *       ({@code /dev/rwd1d}, the raw whole-disk node) at the block a linear map with offset 384
 *       would reach — the cost of the disk layer without dm. dm's own overhead is the
 *       difference between this and {@code DmStrategyBench.read/write} with {@code linear}.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BaselineBench {
    @Param({"512", "4096", "65536", "1048576"})
    public int size;

    DmRig rig;
    DiskHandle raw;
    byte[] disk;

    @Setup(Level.Trial)
    public void setup() {
        rig = DmRig.boot(1, DmStrategyBench.DISK_BYTES);
        rig.fillDisks();
        raw = rig.open(DmRig.rawPath(1));
        DmRig.checkSectors(raw, DmStrategyBench.DISK_BYTES / DmRig.SECSIZE, Errno.NONE);
        disk = new byte[(int) DmStrategyBench.DISK_BYTES];
        DmRig.pattern(disk, 1, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        raw.close();
        rig.close();
    }

    /** One thread's buffer and region (the same as {@link DmStrategyBench.Io}'s, after the offset). */
    @State(Scope.Thread)
    public static class Io {
        Buf buf;
        byte[] data;
        long blkno;
        int pos;

        @Setup(Level.Trial)
        public void setup(BaselineBench b, ThreadParams tp) {
            blkno = (long) tp.getThreadIndex() * DmStrategyBench.REGION_SECTORS + DmStrategyBench.LINEAR_OFFSET;
            if ((blkno * DmRig.SECSIZE) + b.size > DmStrategyBench.DISK_BYTES) {
                throw new IllegalStateException("too many threads for the benchmark disk: " + tp.getThreadCount());
            }
            pos = (int) (blkno * DmRig.SECSIZE);
            buf = new Buf();
            data = new byte[b.size];
            DmRig.pattern(data, 9, 0);
            // The raw disk must hold the same bytes the array does.
            byte[] check = new byte[b.size];
            DmRig.io(b.raw, Buf.B_READ, blkno, check, Errno.NONE);
            if (!java.util.Arrays.equals(check, java.util.Arrays.copyOfRange(b.disk, pos, pos + b.size))) {
                throw new IllegalStateException("raw disk contents differ from the pattern");
            }
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (buf.bcount() != 0 && (buf.error() != Errno.NONE || buf.resid() != 0)) {
                throw new IllegalStateException("unexpected outcome " + buf);
            }
        }
    }

    @Benchmark
    public byte[] arraycopyRead(Io io) {
        System.arraycopy(disk, io.pos, io.data, 0, size);
        return io.data;
    }

    @Benchmark
    public byte[] arraycopyWrite(Io io) {
        System.arraycopy(io.data, 0, disk, io.pos, size);
        return io.data;
    }

    @Benchmark
    public Buf pdevRead(Io io) {
        Buf bp = io.buf.setup(Buf.B_READ, io.blkno, io.data, 0, size);
        raw.strategy(bp);
        return bp;
    }

    @Benchmark
    public Buf pdevWrite(Io io) {
        Buf bp = io.buf.setup(Buf.B_WRITE, io.blkno, io.data, 0, size);
        raw.strategy(bp);
        return bp;
    }
}
