package org.dmemu.bench;

import java.util.concurrent.TimeUnit;

import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;
import org.dmemu.proplib.xml.PropInternalizer.Mode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How userland dictionary parsing scales with the number of keys (issue 16 point 6): one
 * document, a dictionary of {@link #keys} string keys ({@code k0000000}…, in the sorted order
 * libprop writes them) with small integer values, internalized with userland rules. A parser
 * that grows its dictionary by a constant step costs time quadratic in the key count (200,000
 * keys took 7.2 s); the report's size-scaling rows divide the per-key throughput at each size by
 * the one at the smallest size: near 1 is linear, falling with size is not.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ProplibScaleBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProplibScaleBench {
    @Param({"25000", "50000", "100000", "200000"})
    public int keys;

    private byte[] text;

    @Setup(Level.Trial)
    public void setup() {
        PropDictionary d = new PropDictionary();
        for (int i = 0; i < keys; i++) {
            d.setUint32(String.format("k%07d", i), i);
        }
        text = PropExternalizer.externalize(d);
    }

    @Benchmark
    public PropObject internalizeKeys() throws Exception {
        return PropInternalizer.internalize(text, 0, text.length, Mode.USERLAND);
    }
}
