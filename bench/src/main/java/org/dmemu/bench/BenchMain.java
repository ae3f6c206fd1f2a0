package org.dmemu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.dmemu.bench.report.Report;
import org.dmemu.bench.report.ReportMain;
import org.dmemu.bench.report.Score;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The suite behind {@code ./dmemu bench}: runs the benchmarks through JMH's {@link Runner} in
 * two passes (1 thread: everything; 2 threads: the strategy benchmarks and their baselines),
 * writes every result into one JMH JSON file, {@code OUT/results.json}; then (full run only)
 * measures each goal's pair of benchmarks in alternating back-to-back rounds
 * ({@code OUT/pairs.json}, see {@link #pairedRounds}); then writes the report ({@link ReportMain}).
 *
 * <pre>
 * BenchMain --out DIR [--quick] [--include REGEX] [--prof PROFILER] [--rounds N]
 * </pre>
 * {@code --quick}: a smoke run of about two minutes (1 fork, 1 warmup and 1 measurement
 * iteration of 1 s, a reduced parameter set). {@code --include} keeps only the benchmarks
 * matching REGEX; {@code --prof} adds a JMH profiler ({@code stack}, {@code gc}, {@code jfr} …);
 * {@code --rounds} sets the number of paired rounds per goal (default {@value #ROUNDS}; 0: none;
 * never in a quick run).
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** One JMH pass: what to include, the thread count, the parameter overrides. */
    record Pass(String include, int threads, String[][] params) {
    }

    static List<Pass> passes(boolean quick) {
        if (quick) {
            return List.of(
                    new Pass("\\.(DmStrategyBench|BaselineBench)\\.", 1,
                            new String[][] {{"target", "linear", "striped2", "zero"}, {"size", "4096", "1048576"}}),
                    new Pass("\\.(TableScaleBench|ProplibBench)\\.", 1, new String[0][]),
                    new Pass("\\.ProplibScaleBench\\.", 1, new String[][] {{"keys", "25000", "100000"}}),
                    new Pass("\\.ProtocolBench\\.(version|info|reload100)$", 1, new String[0][]),
                    new Pass("\\.(DmStrategyBench\\.read|BaselineBench\\.arraycopyRead)$", 2,
                            new String[][] {{"target", "linear"}, {"size", "4096"}}));
        }
        return List.of(
                new Pass("\\.(DmStrategyBench|BaselineBench|TableScaleBench|ProtocolBench)\\.", 1,
                        new String[0][]),
                new Pass("\\.ProplibBench\\.", 1, new String[0][]),
                new Pass("\\.ProplibScaleBench\\.", 1, new String[0][]),
                new Pass("\\.(DmStrategyBench|BaselineBench)\\.", 2,
                        new String[][] {{"target", "linear", "striped2", "zero"}, {"size", "4096", "1048576"}}));
    }

    public static void main(String[] args) {
        Path out = null;
        boolean quick = false;
        int rounds = ROUNDS;
        String include = null;
        List<String> profilers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(need(args, ++i, "--out"));
                case "--include" -> include = need(args, ++i, "--include");
                case "--prof" -> profilers.add(need(args, ++i, "--prof"));
                case "--rounds" -> rounds = parseRounds(need(args, ++i, "--rounds"));
                default -> fail("unknown option " + args[i]);
            }
        }
        if (out == null) {
            fail("--out DIR is required");
        }
        List<RunResult> results = new ArrayList<>();
        try {
            for (Pass p : passes(quick)) {
                // JMH ORs its includes; the user's --include must narrow the pass, so AND them.
                String regex = include == null ? p.include() : "^(?=.*(?:" + include + ")).*(?:" + p.include() + ")";
                ChainedOptionsBuilder o = new OptionsBuilder()
                        .include(regex)
                        .threads(p.threads())
                        .shouldFailOnError(true);
                for (String[] kv : p.params()) {
                    o.param(kv[0], java.util.Arrays.copyOfRange(kv, 1, kv.length));
                }
                for (String prof : profilers) {
                    o.addProfiler(prof);
                }
                if (quick) {
                    o.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(1).measurementTime(TimeValue.seconds(1));
                } else if (p.include().contains("ProplibBench")) {
                    o.forks(1).warmupIterations(PROPLIB_WARMUP_S).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(6).measurementTime(TimeValue.milliseconds(500));
                } else {
                    // Many short iterations rather than a few long ones: on a shared machine the
                    // best iteration (reported next to the mean) needs several chances.
                    o.forks(1).warmupIterations(3).warmupTime(TimeValue.milliseconds(500))
                            .measurementIterations(6).measurementTime(TimeValue.milliseconds(500));
                }
                Collection<RunResult> r = runPass(o);
                results.addAll(r);
            }
            Files.createDirectories(out);
            Path json = out.resolve("results.json");
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);
            List<RunResult> paired = quick ? List.of() : pairedRounds(rounds, profilers);
            Path pairs = out.resolve("pairs.json");
            if (!paired.isEmpty()) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, pairs.toString()).writeOut(paired);
            }
            appendLoad(out.resolve("machine.txt"));
            List<Score> scores = Score.fromJmhJson(Files.readString(json));
            List<Score> pairScores = Files.exists(pairs) ? Score.fromJmhJson(Files.readString(pairs)) : List.of();
            Path md = ReportMain.write(out, scores, pairScores, "dmemu benchmarks" + (quick ? " (quick smoke run)" : "")
                    + ": " + out.getFileName());
            System.out.println("results: " + json);
            System.out.println("report:  " + md);
        } catch (RunnerException | IOException e) {
            fail(e.getMessage());
        }
    }

    /**
     * Warmup seconds for ProplibBench: dd-plist's parser needs about 4 s of JIT warmup before its
     * time per parse stops falling (306 µs in the first 500 ms, 21.5 µs from the 4th second on);
     * a shorter warmup would flatter our internalizer by comparing it with a cold dd-plist.
     */
    static final int PROPLIB_WARMUP_S = 6;

    /** Rounds of each goal's pair in the full run. */
    static final int ROUNDS = 4;

    /**
     * Measures each goal's two benchmarks back to back, {@code rounds} times, alternating which
     * goes first (AB, BA, AB …): load from other processes changes over seconds, so a ratio of two
     * adjacent measurements is far steadier than one of two scores taken minutes apart. Returns
     * the results in the order subject, baseline, subject, baseline … (what
     * {@link org.dmemu.bench.report.Report} expects), whatever order they ran in.
     */
    static List<RunResult> pairedRounds(int rounds, List<String> profilers) throws RunnerException {
        List<RunResult> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (Report.GoalSpec g : Report.GOALS) {
                boolean subjectFirst = r % 2 == 0;
                RunResult first = runOne(subjectFirst ? g.subject() : g.baseline(), profilers);
                RunResult second = runOne(subjectFirst ? g.baseline() : g.subject(), profilers);
                if (first != null && second != null) {
                    out.add(subjectFirst ? first : second);
                    out.add(subjectFirst ? second : first);
                }
            }
        }
        return out;
    }

    /**
     * One benchmark with fixed params: 1 fork, 2 warmup (ProplibBench: {@value #PROPLIB_WARMUP_S}
     * of 1 s) and 4 measurement iterations of 300 ms.
     */
    private static RunResult runOne(Report.Bench b, List<String> profilers) throws RunnerException {
        boolean slowWarmup = b.benchmark().startsWith("ProplibBench.");
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("\\." + b.benchmark().replace(".", "\\.") + "$")
                .threads(b.threads())
                .forks(1)
                .warmupIterations(slowWarmup ? PROPLIB_WARMUP_S : 2)
                .warmupTime(slowWarmup ? TimeValue.seconds(1) : TimeValue.milliseconds(300))
                .measurementIterations(4).measurementTime(TimeValue.milliseconds(300))
                .shouldFailOnError(true);
        b.params().forEach((k, v) -> o.param(k, v));
        for (String prof : profilers) {
            o.addProfiler(prof);
        }
        Collection<RunResult> r = runPass(o);
        return r.isEmpty() ? null : r.iterator().next();
    }

    /** Records the load average at the end of the run next to the one run-bench wrote at the start. */
    private static void appendLoad(Path machine) {
        try {
            Path load = Path.of("/proc/loadavg");
            if (Files.exists(load)) {
                String[] f = Files.readString(load).trim().split("\\s+");
                String line = "load average at the end: " + f[0] + " " + f[1] + " " + f[2] + "\n";
                Files.writeString(machine, line, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: cannot record the load average: " + e.getMessage());
        }
    }

    /** How long to wait for another JMH run on this machine (JMH's /tmp/jmh.lock) to finish. */
    private static final long LOCK_WAIT_MS = 15 * 60 * 1000;

    private static Collection<RunResult> runPass(ChainedOptionsBuilder o) throws RunnerException {
        long deadline = System.currentTimeMillis() + LOCK_WAIT_MS;
        boolean told = false;
        while (true) {
            try {
                return new Runner(o.build()).run();
            } catch (NoBenchmarksException e) {
                // No benchmark matched this pass (e.g. --include selected another one): not an error.
                return List.of();
            } catch (RunnerException e) {
                String m = String.valueOf(e.getMessage());
                // Another JMH run holds the machine-wide lock: wait for it rather than share the cores.
                if (m.contains("JMH lock") && System.currentTimeMillis() < deadline) {
                    if (!told) {
                        System.err.println("bench: another JMH run is in progress; waiting for it to finish");
                        told = true;
                    }
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                    continue;
                }
                throw e;
            }
        }
    }

    private static int parseRounds(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 100) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("--rounds: not a number of rounds (0-100): " + v);
        return 0;
    }

    private static String need(String[] args, int i, String opt) {
        if (i >= args.length) {
            fail(opt + " needs a value");
        }
        return args[i];
    }

    private static void fail(String msg) {
        System.err.println("bench: " + msg);
        System.exit(2);
    }
}
