package org.dmemu.bench;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What Linux's targets of issue 10 cost per buf, against {@code linear} measured in the same run
 * (the baseline): one 4 KiB transfer per invocation, single thread, memory disks.
 * <ul>
 *   <li>{@code linear}: {@code linear /dev/wd1a 384};</li>
 *   <li>{@code multipath}: two round-robin paths (wd1a 384… and wd2a) — the path choice under
 *       the multipath monitor;</li>
 *   <li>{@code mirror}: two legs, core log, nosync — a write goes to both legs, a read to one;</li>
 *   <li>{@code snapshotOrigin}: snapshot-origin over wd2d with one persistent snapshot (COW wd3d) whose exception for
 *       the benchmark chunk already exists (setup writes it once): the per-write lock and lookup,
 *       not the copy.</li>
 * </ul>
 * Ratios against linear are the result; absolute numbers on a shared machine are noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class Issue10TargetsBench {
    static final long DISK_BYTES = 16L << 20;
    static final long OFFSET = 384;

    @Param({"linear", "multipath", "mirror", "snapshotOrigin"})
    public String target;

    DmRig rig;
    DiskHandle dm;
    Buf buf;
    byte[] data;

    @Setup
    public void setup() {
        rig = DmRig.boot(3, DISK_BYTES, Set.of("multipath", "mirror", "snapshot"));
        long len = DISK_BYTES / DmRig.SECSIZE - OFFSET;
        String p1 = DmRig.pdevPath(1) + " ";
        String p2 = DmRig.pdevPath(2) + " ";
        List<DmRequest.Entry> t = switch (target) {
            case "linear" -> List.of(new DmRequest.Entry(0, len, "linear", p1 + OFFSET));
            case "multipath" -> {
                // two paths to the same data: linear maps over wd1 at the offset, both paths are those maps
                rig.device("l1", List.of(new DmRequest.Entry(0, len, "linear", p1 + OFFSET)), len, Errno.NONE).close();
                rig.device("l2", List.of(new DmRequest.Entry(0, len, "linear", "/dev/wd1d " + OFFSET)), len,
                        Errno.NONE).close();
                yield List.of(new DmRequest.Entry(0, len, "multipath",
                        "0 0 1 1 round-robin 0 2 1 /dev/mapper/l1 1 /dev/mapper/l2 1"));
            }
            case "mirror" -> List.of(new DmRequest.Entry(0, len, "mirror",
                    "core 2 1024 nosync 2 " + p1 + OFFSET + " " + p2 + OFFSET));
            case "snapshotOrigin" -> {
                // origin = wd2's raw partition (whole disk), COW = wd3's
                long all = DISK_BYTES / DmRig.SECSIZE;
                rig.device("sn", List.of(new DmRequest.Entry(0, all, "snapshot", "/dev/wd2d /dev/wd3d P 8")), all,
                        Errno.NONE).close();
                yield List.of(new DmRequest.Entry(0, len, "snapshot-origin", "/dev/wd2d"));
            }
            default -> throw new IllegalArgumentException(target);
        };
        dm = rig.device("bench0", t, len, Errno.NONE);
        buf = new Buf();
        data = new byte[4096];
        DmRig.io(dm, Buf.B_WRITE, 0, data, Errno.NONE); // snapshotOrigin: the chunk is copied here, once
    }

    @TearDown
    public void tearDown() {
        dm.close();
        rig.close();
    }

    @Benchmark
    public Buf read() {
        Buf bp = buf.setup(Buf.B_READ, 0, data, 0, data.length);
        dm.strategy(bp);
        return bp;
    }

    @Benchmark
    public Buf write() {
        Buf bp = buf.setup(Buf.B_WRITE, 0, data, 0, data.length);
        dm.strategy(bp);
        return bp;
    }
}
