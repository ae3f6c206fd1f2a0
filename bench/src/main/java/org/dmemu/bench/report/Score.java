package org.dmemu.bench.report;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result as the report uses it: which benchmark, with which parameters and thread
 * count, and its primary score.
 *
 * @param benchmark the class's simple name and the method, e.g. {@code DmStrategyBench.read}
 * @param params    the {@code @Param} values (sorted by name)
 * @param threads   the JMH thread count
 * @param mode      JMH's short mode name ({@code thrpt}, {@code avgt} …)
 * @param score     the primary score (for {@code thrpt}: operations per second, summed over threads)
 * @param error     the 99.9% confidence half-width, NaN when JMH could not compute one
 * @param unit      the score unit, e.g. {@code ops/s}
 * @param best      the best measurement iteration (highest throughput, or lowest time per
 *                  operation), in the score's unit: on a shared machine, interference only ever
 *                  slows an iteration down, so the best one is the least disturbed
 */
public record Score(String benchmark, Map<String, String> params, int threads, String mode,
                    double score, double error, String unit, double best) {
    public Score {
        params = Collections.unmodifiableMap(new TreeMap<>(params));
    }

    /** A score whose iterations are unknown: the best iteration is taken to be the mean. */
    public Score(String benchmark, Map<String, String> params, int threads, String mode,
                 double score, double error, String unit) {
        this(benchmark, params, threads, mode, score, error, unit, score);
    }

    /** The best iteration in operations per second. */
    public double bestOpsPerSecond() {
        return new Score(benchmark, params, threads, mode, best, error, unit, best).opsPerSecond();
    }

    /** The simple class name, e.g. {@code DmStrategyBench}. */
    public String className() {
        int dot = benchmark.lastIndexOf('.');
        return dot < 0 ? "" : benchmark.substring(0, dot);
    }

    /** The method name, e.g. {@code read}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** A parameter's value, or null. */
    public String param(String name) {
        return params.get(name);
    }

    /** A parameter's value as an int, or -1 when absent or not a number. */
    public int intParam(String name) {
        String v = params.get(name);
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The score in operations per second, whatever the mode and unit; NaN if not convertible. */
    public double opsPerSecond() {
        double perSecond = switch (unit.substring(unit.indexOf('/') + 1)) {
            case "s" -> 1;
            case "ms" -> 1e3;
            case "us" -> 1e6;
            case "ns" -> 1e9;
            case "min" -> 1.0 / 60;
            default -> Double.NaN;
        };
        if (unit.startsWith("ops/")) {
            return score * perSecond;
        }
        // avgt / sample / ss: "<time unit>/op"
        String t = unit.substring(0, unit.indexOf('/') < 0 ? unit.length() : unit.indexOf('/'));
        double seconds = switch (t) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            default -> Double.NaN;
        };
        return 1 / (score * seconds);
    }

    /** Reads JMH's JSON result file ({@code -rf json}). */
    public static List<Score> fromJmhJson(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> runs)) {
            throw new IllegalArgumentException("JMH JSON: top level is not an array");
        }
        List<Score> out = new java.util.ArrayList<>();
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String full = (String) run.get("benchmark");
            String[] parts = full.split("\\.");
            String bench = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
            Map<String, String> params = new TreeMap<>();
            if (run.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<?, ?> pm = (Map<?, ?>) run.get("primaryMetric");
            String unit = (String) pm.get("scoreUnit");
            double score = number(pm.get("score"));
            boolean higherBetter = unit.startsWith("ops/");
            double best = Double.NaN;
            if (pm.get("rawData") instanceof List<?> forks) {
                for (Object f : forks) {
                    for (Object it : (List<?>) f) {
                        double v = number(it);
                        if (Double.isNaN(best) || (higherBetter ? v > best : v < best)) {
                            best = v;
                        }
                    }
                }
            }
            out.add(new Score(bench, params, ((Number) run.get("threads")).intValue(), (String) run.get("mode"),
                    score, number(pm.get("scoreError")), unit, Double.isNaN(best) ? score : best));
        }
        return out;
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
