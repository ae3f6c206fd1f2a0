package org.dmemu.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns one run's JMH scores into the Markdown report and its charts: scores and, above all,
 * ratios between scores measured in the same run (to the arraycopy and raw-disk baselines, to
 * the 1-entry table, to one thread, to dd-plist), which survive a noisy shared machine far better
 * than absolute numbers.
 */
public final class Report {
    static final String STRATEGY = "DmStrategyBench";
    static final String BASELINE = "BaselineBench";
    static final String SCALE = "TableScaleBench";
    static final String PROTOCOL = "ProtocolBench";
    static final String PROPLIB = "ProplibBench";
    static final String PROPLIB_SCALE = "ProplibScaleBench";
    /** The targets, in table order. */
    static final List<String> TARGETS = List.of("linear", "striped2", "striped4", "zero", "error");

    private final List<Score> scores;
    /** The paired rounds: subject, baseline, subject, baseline … (see {@link #goals()}). */
    private final List<Score> paired;

    public Report(List<Score> scores) {
        this(scores, List.of());
    }

    public Report(List<Score> scores, List<Score> paired) {
        this.scores = List.copyOf(scores);
        this.paired = List.copyOf(paired);
    }

    /** One row of the dm strategy table. */
    public record StrategyRow(String target, String op, int size, int threads, double opsPerSecond,
                              double error, double vsArraycopy, double vsPdev) {
        /** MiB/s moved (nominal for the error target). */
        public double mibPerSecond() {
            return opsPerSecond * size / (1 << 20);
        }
    }

    /**
     * One measured goal: the ratio of the mean scores ({@code measured}, which decides
     * {@code met}) and the ratio of the best iterations ({@code best}, less disturbed by other
     * load on a shared machine).
     */
    public record Goal(String what, double measured, double best, double pairedMedian, double pairedMin,
                       double pairedMax, int rounds, String target, boolean met) {
    }

    /** A benchmark compared with its baseline in the same run. */
    public record Pair(String what, Score score, Score baseline, double ratio) {
    }

    // ---- lookups ---------------------------------------------------------------------------

    /** The score of {@code benchmark} with exactly these params and thread count, or null. */
    public Score find(String benchmark, int threads, Map<String, String> params) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && s.threads() == threads && s.params().equals(params)) {
                return s;
            }
        }
        return null;
    }

    static double ratio(Score a, Score b) {
        if (a == null || b == null) {
            return Double.NaN;
        }
        return a.opsPerSecond() / b.opsPerSecond();
    }

    static double bestRatio(Score a, Score b) {
        if (a == null || b == null) {
            return Double.NaN;
        }
        return a.bestOpsPerSecond() / b.bestOpsPerSecond();
    }

    private List<Score> of(String className) {
        List<Score> l = new ArrayList<>();
        for (Score s : scores) {
            if (s.className().equals(className)) {
                l.add(s);
            }
        }
        return l;
    }

    private static String cap(String op) {
        return Character.toUpperCase(op.charAt(0)) + op.substring(1);
    }

    // ---- sections --------------------------------------------------------------------------

    /** The dm rows: every DmStrategyBench score with its two baseline ratios. */
    public List<StrategyRow> strategyRows() {
        List<StrategyRow> rows = new ArrayList<>();
        for (Score s : of(STRATEGY)) {
            int size = s.intParam("size");
            Map<String, String> p = Map.of("size", String.valueOf(size));
            Score copy = find(BASELINE + ".arraycopy" + cap(s.method()), s.threads(), p);
            Score pdev = find(BASELINE + ".pdev" + cap(s.method()), s.threads(), p);
            // The error target moves no bytes: a ratio to a byte-moving baseline would mean nothing.
            boolean moves = !"error".equals(s.param("target"));
            rows.add(new StrategyRow(s.param("target"), s.method(), size, s.threads(), s.opsPerSecond(),
                    s.error(), moves ? ratio(s, copy) : Double.NaN, moves ? ratio(s, pdev) : Double.NaN));
        }
        rows.sort(Comparator.comparing((StrategyRow r) -> r.threads())
                .thenComparing(r -> r.op())
                .thenComparing(r -> TARGETS.indexOf(r.target()) < 0 ? 99 : TARGETS.indexOf(r.target()))
                .thenComparing(r -> r.size()));
        return rows;
    }

    /** Every benchmark measured with 2 threads (or more) against the same one with 1 thread. */
    public List<Pair> threadScaling() {
        List<Pair> out = new ArrayList<>();
        for (Score s : scores) {
            if (s.threads() > 1) {
                Score one = find(s.benchmark(), 1, s.params());
                if (one != null) {
                    out.add(new Pair(s.benchmark() + " " + paramText(s.params()) + " " + s.threads() + "t÷1t",
                            s, one, ratio(s, one)));
                }
            }
        }
        return out;
    }

    /**
     * For a read or write score at N threads: {@code BaselineBench.arraycopy<Op>}'s N-thread ÷
     * 1-thread ratio at the same size, i.e. how much parallelism the machine gave a pure copy in
     * this run; NaN when not measured.
     */
    public double machineScaling(Score s) {
        String m = s.method().toLowerCase(Locale.ROOT);
        String op = m.endsWith("read") ? "Read" : m.endsWith("write") ? "Write" : null;
        if (op == null || s.param("size") == null) {
            return Double.NaN;
        }
        Map<String, String> p = Map.of("size", s.param("size"));
        return ratio(find(BASELINE + ".arraycopy" + op, s.threads(), p), find(BASELINE + ".arraycopy" + op, 1, p));
    }

    /** The table-size rows: each entry count against the 1-entry table. */
    public List<Pair> tableScaling() {
        List<Pair> out = new ArrayList<>();
        List<Score> l = of(SCALE);
        l.sort(Comparator.comparingInt((Score s) -> s.intParam("entries")));
        for (Score s : l) {
            Map<String, String> p = new TreeMap<>(s.params());
            p.put("entries", "1");
            Score one = find(s.benchmark(), s.threads(), p);
            out.add(new Pair("entries=" + s.param("entries"), s, one, ratio(s, one)));
        }
        return out;
    }

    /**
     * The proplib size-scaling rows (issue 16 point 6): for each key count, the per-key
     * throughput (ops/s × keys) divided by the per-key throughput at the smallest key count in
     * this run. Near 1: parsing time grows linearly with the document.
     */
    public List<Pair> proplibScaling() {
        List<Pair> out = new ArrayList<>();
        List<Score> l = of(PROPLIB_SCALE);
        l.sort(Comparator.comparingInt((Score s) -> s.intParam("keys")));
        if (l.isEmpty()) {
            return out;
        }
        Score base = l.get(0);
        for (Score s : l) {
            double r = s.opsPerSecond() * s.intParam("keys") / (base.opsPerSecond() * base.intParam("keys"));
            out.add(new Pair(s.method() + " keys=" + s.param("keys"), s, base, r));
        }
        return out;
    }

    /**
     * The proplib rows: each non-dd-plist method of ProplibBench against a dd-plist method with
     * the same params: the one with the same name once the library words are taken out (e.g.
     * {@code internalizeVersion} and {@code ddplistInternalizeVersion}), else, for a parsing
     * method ({@code internalize}, {@code copyin…}), dd-plist's parse method, and for a writing
     * method ({@code externalize}), dd-plist's writing method ({@code …xml…}/{@code …write…}).
     */
    public List<Pair> proplib() {
        List<Score> l = of(PROPLIB);
        List<Pair> out = new ArrayList<>();
        for (Score s : l) {
            if (isDdPlist(s.method())) {
                continue;
            }
            Score base = null;
            for (int pass = 0; pass < 2 && base == null; pass++) {
                for (Score b : l) {
                    if (isDdPlist(b.method()) && b.threads() == s.threads() && b.params().equals(s.params())
                            && (pass == 0 ? stem(b.method()).equals(stem(s.method())) : sameKind(s.method(), b.method()))) {
                        base = b;
                        break;
                    }
                }
            }
            out.add(new Pair(s.method() + (s.params().isEmpty() ? "" : " " + paramText(s.params())), s, base,
                    ratio(s, base)));
        }
        return out;
    }

    /** A parsing method against dd-plist's parse, a writing method against dd-plist's writer. */
    static boolean sameKind(String ours, String dd) {
        String o = ours.toLowerCase(Locale.ROOT);
        String d = dd.toLowerCase(Locale.ROOT);
        if (o.contains("internalize") || o.contains("copyin") || o.contains("parse")) {
            return d.contains("parse");
        }
        if (o.contains("externalize") || o.contains("copyout") || o.contains("write")) {
            return d.contains("xml") || d.contains("write") || d.contains("externalize");
        }
        return false;
    }

    static boolean isDdPlist(String method) {
        return method.toLowerCase(Locale.ROOT).replace("_", "").contains("ddplist");
    }

    static String stem(String method) {
        String m = method.toLowerCase(Locale.ROOT).replace("_", "");
        for (String w : List.of("ddplist", "proplib", "libprop", "dmemu", "ours")) {
            m = m.replace(w, "");
        }
        return m;
    }

    /** A benchmark with fixed params and thread count: one side of a goal's ratio. */
    public record Bench(String benchmark, int threads, Map<String, String> params) {
        public Bench {
            params = Map.copyOf(params);
        }

        boolean matches(Score s) {
            return s != null && s.benchmark().equals(benchmark) && s.threads() == threads && s.params().equals(params);
        }
    }

    /**
     * A goal of issue 6: {@code subject}'s throughput ÷ {@code baseline}'s throughput must be at
     * least (or, when {@code atLeast} is false, at most) {@code want}.
     */
    public record GoalSpec(String what, Bench subject, Bench baseline, boolean atLeast, double want) {
        /** A reference ratio measured like a goal but not itself a goal (want 0: no verdict). */
        boolean reference() {
            return want == 0;
        }

        boolean met(double ratio) {
            return atLeast ? ratio >= want : ratio <= want;
        }

        String wanted() {
            if (reference()) {
                return "(reference)";
            }
            return (atLeast ? "≥ " : "≤ ") + Fmt.sig3(want) + "x";
        }
    }

    /** The goals, each as a ratio of two benchmarks; BenchMain also measures each pair in alternating rounds. */
    public static final List<GoalSpec> GOALS = List.of(
            new GoalSpec("linear 4 KiB read ÷ arraycopy",
                    new Bench(STRATEGY + ".read", 1, Map.of("target", "linear", "size", "4096")),
                    new Bench(BASELINE + ".arraycopyRead", 1, Map.of("size", "4096")), true, 0.8),
            new GoalSpec("linear 1 MiB read ÷ arraycopy",
                    new Bench(STRATEGY + ".read", 1, Map.of("target", "linear", "size", "1048576")),
                    new Bench(BASELINE + ".arraycopyRead", 1, Map.of("size", "1048576")), true, 0.95),
            // "within 1.2x": the 10,000-entry read may take at most 1.2 times as long as the 1-entry one
            new GoalSpec("10,000-entry table: time ÷ 1-entry time",
                    new Bench(SCALE + ".read4k", 1, Map.of("entries", "1")),
                    new Bench(SCALE + ".read4k", 1, Map.of("entries", "10000")), false, 1.2),
            new GoalSpec("linear 4 KiB read, 2 threads ÷ 1 thread",
                    new Bench(STRATEGY + ".read", 2, Map.of("target", "linear", "size", "4096")),
                    new Bench(STRATEGY + ".read", 1, Map.of("target", "linear", "size", "4096")), true, 1.7),
            // What the shared machine allowed two threads at that moment: the same ratio for a pure copy.
            new GoalSpec("reference: arraycopy 4 KiB read, 2 threads ÷ 1 thread",
                    new Bench(BASELINE + ".arraycopyRead", 2, Map.of("size", "4096")),
                    new Bench(BASELINE + ".arraycopyRead", 1, Map.of("size", "4096")), true, 0),
            new GoalSpec("proplib internalize (version request) ÷ dd-plist parse",
                    new Bench(PROPLIB + ".internalize", 1, Map.of("doc", "version")),
                    new Bench(PROPLIB + ".ddPlistParse", 1, Map.of("doc", "version")), true, 50));

    private Score find(Bench b) {
        return find(b.benchmark(), b.threads(), b.params());
    }

    /**
     * The goals with the ratios measured in this run: from the main pass (mean and best
     * iteration) and, when present, from the paired rounds (median, min, max over rounds, each
     * round measuring subject and baseline back to back). The verdict follows the paired median
     * when there is one, else the main pass's mean ratio.
     */
    public List<Goal> goals() {
        List<Goal> out = new ArrayList<>();
        for (GoalSpec g : GOALS) {
            Score a = find(g.subject());
            Score b = find(g.baseline());
            List<Double> rounds = new ArrayList<>();
            for (int i = 0; i + 1 < paired.size(); i += 2) {
                if (g.subject().matches(paired.get(i)) && g.baseline().matches(paired.get(i + 1))) {
                    rounds.add(ratio(paired.get(i), paired.get(i + 1)));
                }
            }
            rounds.sort(null);
            double median = rounds.isEmpty() ? Double.NaN
                    : rounds.size() % 2 == 1 ? rounds.get(rounds.size() / 2)
                    : (rounds.get(rounds.size() / 2 - 1) + rounds.get(rounds.size() / 2)) / 2;
            double mean = ratio(a, b);
            double decisive = rounds.isEmpty() ? mean : median;
            out.add(new Goal(g.what(), mean, bestRatio(a, b), median,
                    rounds.isEmpty() ? Double.NaN : rounds.get(0),
                    rounds.isEmpty() ? Double.NaN : rounds.get(rounds.size() - 1), rounds.size(),
                    g.wanted(), !Double.isNaN(decisive) && g.met(decisive)));
        }
        return out;
    }

    static String paramText(Map<String, String> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    // ---- output ----------------------------------------------------------------------------

    /** The chart series for one op ({@code read}/{@code write}) at one thread count. */
    public List<Chart.Series> chartSeries(String op, int threads) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        for (String t : TARGETS) {
            if (!t.equals("error")) {
                lines.put("dm " + t, new ArrayList<>());
            }
        }
        for (StrategyRow r : strategyRows()) {
            if (r.op().equals(op) && r.threads() == threads && lines.containsKey("dm " + r.target())) {
                lines.get("dm " + r.target()).add(new double[] {r.size(), r.mibPerSecond()});
            }
        }
        List<Chart.Series> out = new ArrayList<>();
        lines.forEach((k, v) -> {
            v.sort(Comparator.comparingDouble(p -> p[0]));
            out.add(new Chart.Series(k, v, false));
        });
        for (String base : List.of("arraycopy", "pdev")) {
            List<double[]> pts = new ArrayList<>();
            for (Score s : of(BASELINE)) {
                if (s.method().equals(base + cap(op)) && s.threads() == threads) {
                    pts.add(new double[] {s.intParam("size"), s.opsPerSecond() * s.intParam("size") / (1 << 20)});
                }
            }
            pts.sort(Comparator.comparingDouble(p -> p[0]));
            out.add(new Chart.Series(base.equals("pdev") ? "raw disk (no dm)" : "arraycopy", pts, true));
        }
        return out;
    }

    /** The report as Markdown; {@code charts} are the SVG file names to link, {@code machine} free text. */
    public String markdown(String title, List<String> charts, String machine) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        b.append("Throughput in operations per second (ops/s, summed over threads) ± the 99.9% confidence\n"
                + "half-width JMH reports. Ratios divide two scores **of the same run**: the machine is shared\n"
                + "and noisy, so trust the ratios more than the absolute numbers. See docs/bench.md.\n\n");

        b.append("## Goals\n\n\"mean\" and \"best\" divide the mean scores and the best iterations of the main pass; "
                + "\"paired\" is the median (min–max) over rounds that measured the two sides back to back, "
                + "alternating which goes first — the most trustworthy figure on a shared machine, and the one "
                + "the verdict uses when present.\n\n");
        b.append("| goal | mean | best | paired median (min–max, rounds) | wanted | verdict |\n|---|---:|---:|---:|---:|---|\n");
        for (Goal g : goals()) {
            boolean none = Double.isNaN(g.measured()) && g.rounds() == 0;
            b.append("| ").append(g.what()).append(" | ").append(Fmt.ratio(g.measured())).append(" | ")
                    .append(Fmt.ratio(g.best())).append(" | ")
                    .append(g.rounds() == 0 ? "–" : Fmt.ratio(g.pairedMedian()) + " (" + Fmt.sig3(g.pairedMin()) + "–"
                            + Fmt.sig3(g.pairedMax()) + ", " + g.rounds() + ")")
                    .append(" | ").append(g.target()).append(" | ")
                    .append(g.target().equals("(reference)") ? "–" : none ? "not measured" : g.met() ? "met" : "**missed**")
                    .append(" |\n");
        }
        b.append('\n');

        for (String c : charts) {
            b.append("![").append(c).append("](").append(c).append(")\n\n");
        }

        List<StrategyRow> rows = strategyRows();
        if (!rows.isEmpty()) {
            b.append("## dmstrategy by target (DmStrategyBench)\n\n");
            b.append("×arraycopy = score ÷ `BaselineBench.arraycopy<Op>` (the physical limit); "
                    + "×raw disk = score ÷ `BaselineBench.pdev<Op>` (the disk's strategy without dm). "
                    + "Same size, same thread count.\n\n");
            b.append("| target | op | size | threads | ops/s | MiB/s | ×arraycopy | ×raw disk |\n");
            b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (StrategyRow r : rows) {
                b.append("| ").append(r.target()).append(" | ").append(r.op()).append(" | ")
                        .append(Fmt.bytes(r.size())).append(" | ").append(r.threads()).append(" | ")
                        .append(Fmt.score(r.opsPerSecond(), r.error())).append(" | ")
                        .append(r.target().equals("error") ? "(" + Fmt.sig3(r.mibPerSecond()) + ")" : Fmt.sig3(r.mibPerSecond()))
                        .append(" | ").append(Fmt.ratio(r.vsArraycopy())).append(" | ").append(Fmt.ratio(r.vsPdev()))
                        .append(" |\n");
            }
            b.append("\n(error: nominal MiB/s in parentheses; the target moves no bytes.)\n\n");
        }

        List<Score> base = of(BASELINE);
        if (!base.isEmpty()) {
            base.sort(Comparator.comparingInt(Score::threads).thenComparing(Score::method)
                    .thenComparingInt(s -> s.intParam("size")));
            b.append("## Baselines (BaselineBench)\n\n| baseline | size | threads | ops/s | MiB/s |\n|---|---:|---:|---:|---:|\n");
            for (Score s : base) {
                b.append("| ").append(s.method()).append(" | ").append(Fmt.bytes(s.intParam("size"))).append(" | ")
                        .append(s.threads()).append(" | ").append(Fmt.score(s.opsPerSecond(), s.error())).append(" | ")
                        .append(Fmt.sig3(s.opsPerSecond() * s.intParam("size") / (1 << 20))).append(" |\n");
            }
            b.append('\n');
        }

        List<Pair> ts = threadScaling();
        if (!ts.isEmpty()) {
            b.append("## Thread scaling\n\nratio = N-thread score ÷ 1-thread score (ideal on N free cores: N). "
                    + "The last column is `BaselineBench.arraycopy<Op>`'s own ratio at the same size in this run: "
                    + "the scaling the shared machine allowed.\n\n");
            b.append("| what | N threads | 1 thread | ratio | best-iteration ratio | arraycopy's ratio |\n"
                    + "|---|---:|---:|---:|---:|---:|\n");
            for (Pair p : ts) {
                b.append("| ").append(p.what()).append(" | ").append(Fmt.score(p.score().score(), p.score().error()))
                        .append(" | ").append(Fmt.si(p.baseline().score())).append(" | ").append(Fmt.ratio(p.ratio()))
                        .append(" | ").append(Fmt.ratio(bestRatio(p.score(), p.baseline()))).append(" | ")
                        .append(Fmt.ratio(machineScaling(p.score()))).append(" |\n");
            }
            b.append('\n');
        }
        pairs(b, "Table size (TableScaleBench, 4 KiB read)", "ratio = score ÷ the 1-entry table's score",
                tableScaling(), "score", "1 entry");

        List<Score> proto = of(PROTOCOL);
        if (!proto.isEmpty()) {
            b.append("## Protocol path (ProtocolBench: Kernel.ioctl round trips)\n\n| request | ops/s | µs/op |\n|---|---:|---:|\n");
            for (Score s : proto) {
                b.append("| ").append(s.method()).append(" | ").append(Fmt.score(s.opsPerSecond(), s.error()))
                        .append(" | ").append(Fmt.sig3(1e6 / s.opsPerSecond())).append(" |\n");
            }
            b.append('\n');
        }
        pairs(b, "proplib vs dd-plist (ProplibBench)", "ratio = our score ÷ dd-plist's score for the same input",
                proplib(), "score", "dd-plist");
        pairs(b, "proplib dictionary size (ProplibScaleBench)", "ratio = per-key throughput ÷ the smallest "
                + "document's per-key throughput (1 = parse time linear in the key count)",
                proplibScaling(), "score", "smallest");

        Set<String> known = Set.of(STRATEGY, BASELINE, SCALE, PROTOCOL, PROPLIB, PROPLIB_SCALE);
        List<Score> other = new ArrayList<>();
        for (Score s : scores) {
            if (!known.contains(s.className())) {
                other.add(s);
            }
        }
        if (!other.isEmpty()) {
            b.append("## Other benchmarks\n\n| benchmark | params | threads | score |\n|---|---|---:|---:|\n");
            for (Score s : other) {
                b.append("| ").append(s.benchmark()).append(" | ").append(paramText(s.params())).append(" | ")
                        .append(s.threads()).append(" | ").append(Fmt.score(s.score(), s.error())).append(' ')
                        .append(s.unit()).append(" |\n");
            }
            b.append('\n');
        }
        if (machine != null && !machine.isBlank()) {
            b.append("## Machine\n\n```\n").append(machine.strip()).append("\n```\n");
        }
        return b.toString();
    }

    private static void pairs(StringBuilder b, String title, String note, List<Pair> pairs, String col, String baseCol) {
        if (pairs.isEmpty()) {
            return;
        }
        b.append("## ").append(title).append("\n\n").append(note).append("\n\n");
        b.append("| what | ").append(col).append(" | ").append(baseCol).append(" | ratio (throughput) |\n")
                .append("|---|---:|---:|---:|\n");
        for (Pair p : pairs) {
            // Scores in their own unit (ProplibBench reports time per operation); the ratio is
            // always in throughput terms: > 1 means the first is faster.
            b.append("| ").append(p.what()).append(" | ").append(Fmt.score(p.score().score(), p.score().error()))
                    .append(' ').append(p.score().unit())
                    .append(" | ").append(p.baseline() == null ? "–"
                            : Fmt.si(p.baseline().score()) + " " + p.baseline().unit())
                    .append(" | ").append(Fmt.ratio(p.ratio())).append(" |\n");
        }
        b.append('\n');
    }

    /** The thread counts present among the strategy scores. */
    public Set<Integer> strategyThreads() {
        Set<Integer> t = new TreeSet<>();
        for (Score s : of(STRATEGY)) {
            t.add(s.threads());
        }
        return t;
    }
}
