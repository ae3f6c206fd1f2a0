package org.dmemu.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
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
 * Reads through {@code dmstrategy} and the crypt target (decryption in place after the memory
 * disk's copy): one {@link #size}-byte read per invocation at a fixed, cache-hot block. The
 * {@code linear} spec is the same read without decryption, the baseline of the same run; the
 * OpenSSL baseline ({@code openssl speed -evp aes-256-xts -bytes 4096}) is taken by
 * bench/crypt-compare.sh around this benchmark.
 *
 * <p>The trial starts by writing a pattern through the crypt device, reading it back, and
 * checking that the disk holds something else (a benchmark of a target that does not encrypt
 * would be fast and meaningless).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CryptBench {
    static final long DISK_BYTES = 16L << 20;
    static final long OFFSET = 384;
    static final String KEY64 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
            + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @Param({"linear", "aes-xts-plain64", "aes-cbc-essiv:sha256", "serpent-xts-plain64", "twofish-xts-plain64"})
    public String spec;

    @Param({"4096"})
    public int size;

    DmRig rig;
    DiskHandle dm;
    byte[] data;
    Buf buf;

    @Setup(Level.Trial)
    public void setup() {
        rig = DmRig.boot(1, DISK_BYTES, Set.of("crypt"));
        long sectors = DISK_BYTES / DmRig.SECSIZE - OFFSET;
        String params;
        if (spec.equals("linear")) {
            params = DmRig.pdevPath(1) + " " + OFFSET;
        } else {
            String key = spec.contains("xts") ? KEY64 : KEY64.substring(0, 64);
            params = spec + " " + key + " 0 " + DmRig.pdevPath(1) + " " + OFFSET;
        }
        dm = rig.device("bench0", List.of(new DmRequest.Entry(0, sectors, spec.equals("linear") ? "linear" : "crypt",
                params)), sectors, Errno.NONE);
        byte[] want = new byte[size];
        DmRig.pattern(want, 7, 0);
        DmRig.io(dm, Buf.B_WRITE, 8, want.clone(), Errno.NONE);
        byte[] got = new byte[size];
        DmRig.io(dm, Buf.B_READ, 8, got, Errno.NONE);
        if (!Arrays.equals(want, got)) {
            throw new IllegalStateException(spec + ": read back differs from what was written");
        }
        DiskHandle raw = rig.open(DmRig.rawPath(1)); // the block node is held by dm (EBUSY)
        byte[] disk = new byte[size];
        DmRig.io(raw, Buf.B_READ, 8 + OFFSET, disk, Errno.NONE);
        if (!spec.equals("linear") && Arrays.equals(want, disk)) {
            throw new IllegalStateException(spec + ": the disk holds the plaintext");
        }
        data = new byte[size];
        buf = new Buf();
    }

    @Benchmark
    public Buf read() {
        Buf b = buf.setup(Buf.B_READ, 8, data, 0, size);
        dm.strategy(b);
        return b;
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (buf.error() != Errno.NONE || buf.resid() != 0) {
            throw new IllegalStateException(spec + ": " + buf);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        rig.close();
    }
}
