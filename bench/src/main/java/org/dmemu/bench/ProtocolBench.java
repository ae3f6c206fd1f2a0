package org.dmemu.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.sys.Errno;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol path: one full {@code NETBSD_DM_IOCTL} round trip through
 * {@link Kernel#ioctl} — copyin (internalize the XML, 128 KiB limit), version check, dispatch
 * through the command table, the handler, and copyout (externalize the mutated dictionary).
 * The request bytes are built once in setup.
 *
 * <ul>
 *   <li>{@code version}: the smallest request; no handler runs;
 *   <li>{@code info}: a device lookup and a status reply (the device has a 1-entry active table);
 *   <li>{@code reload100}: a 100-entry linear table (about 22 KB of XML); each entry's params are
 *       parsed and its pdev looked up. State does not grow: a reload first destroys the inactive
 *       table a previous reload left (spec §3.12 step 2), and the iteration teardown checks it;
 *   <li>{@code reload100Clear}: the same reload followed by {@code clear}, two round trips, which
 *       leaves the inactive slot empty after every invocation.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProtocolBench {
    static final String NAME = "proto0";
    static final long DISK_BYTES = 16L << 20;

    DmRig rig;
    Kernel kernel;
    byte[] version;
    byte[] info;
    byte[] reload100;
    byte[] clear;

    @Setup(Level.Trial)
    public void setup() {
        rig = DmRig.boot(1, DISK_BYTES);
        kernel = rig.kernel();
        rig.device(NAME, List.of(new DmRequest.Entry(0, 2048, "linear", DmRig.pdevPath(1) + " 0")), 2048,
                Errno.NONE).close();
        version = DmRequest.version();
        info = DmRequest.simple("info", NAME, 0);
        List<DmRequest.Entry> t = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            t.add(new DmRequest.Entry(i * 16L, 16, "linear", DmRig.pdevPath(1) + " " + i * 16));
        }
        reload100 = DmRequest.reload(NAME, t);
        clear = DmRequest.simple("clear", NAME, 0);
        // Each request once, checked: info must see the active table, reload must leave an
        // inactive one, clear must remove it.
        check(rig.ioctl(info), DmRequest.DM_ACTIVE_PRESENT_FLAG, DmRequest.DM_INACTIVE_PRESENT_FLAG);
        rig.ioctl(reload100);
        check(rig.ioctl(info), DmRequest.DM_ACTIVE_PRESENT_FLAG | DmRequest.DM_INACTIVE_PRESENT_FLAG, 0);
        rig.ioctl(clear);
        check(rig.ioctl(info), DmRequest.DM_ACTIVE_PRESENT_FLAG, DmRequest.DM_INACTIVE_PRESENT_FLAG);
        if (DmRequest.replyFlags(rig.ioctl(version)) != -1) {
            throw new IllegalStateException("version reply carries flags");
        }
    }

    private static void check(byte[] reply, int set, int clear) {
        long f = DmRequest.replyFlags(reply);
        if (f < 0 || (f & set) != set || (f & clear) != 0) {
            throw new IllegalStateException("info reply flags 0x" + Long.toHexString(f) + ", expected 0x"
                    + Integer.toHexString(set) + " set and 0x" + Integer.toHexString(clear) + " clear");
        }
    }

    /** After each iteration: the device still has its 1-entry active table and at most one inactive one. */
    @TearDown(Level.Iteration)
    public void checkState() {
        String reply = new String(rig.ioctl(info), java.nio.charset.StandardCharsets.UTF_8);
        if (!reply.matches("(?s).*<key>target_count</key>\\s*<integer>0x1</integer>.*")) {
            throw new IllegalStateException("active table changed: " + reply);
        }
        if (kernel.activeDmNames().size() != 1) {
            throw new IllegalStateException("devices: " + kernel.activeDmNames());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rig.close();
    }

    @Benchmark
    public IoctlResult version() {
        return kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, version, version.length);
    }

    @Benchmark
    public IoctlResult info() {
        return kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, info, info.length);
    }

    @Benchmark
    public IoctlResult reload100() {
        return kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, reload100, reload100.length);
    }

    @Benchmark
    public void reload100Clear(Blackhole bh) {
        bh.consume(kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, reload100, reload100.length));
        bh.consume(kernel.ioctl(DmRequest.CONTROL, DmRequest.NETBSD_DM_IOCTL, clear, clear.length));
    }
}
