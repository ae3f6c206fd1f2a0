package org.dmemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportTest {
    private static Score s(String bench, int threads, double ops, Map<String, String> params) {
        return new Score(bench, params, threads, "thrpt", ops, Double.NaN, "ops/s");
    }

    private static Map<String, String> dm(String target, int size) {
        return Map.of("target", target, "size", String.valueOf(size));
    }

    private static Map<String, String> size(int size) {
        return Map.of("size", String.valueOf(size));
    }

    /** A run with every section filled: strategy + baselines at 1 and 2 threads, scaling, protocol, proplib. */
    static List<Score> run() {
        List<Score> l = new ArrayList<>();
        l.add(s("DmStrategyBench.read", 1, 800_000, dm("linear", 4096)));
        l.add(s("DmStrategyBench.read", 2, 1_200_000, dm("linear", 4096)));
        l.add(s("DmStrategyBench.read", 1, 1_900, dm("linear", 1048576)));
        l.add(s("DmStrategyBench.write", 1, 500_000, dm("zero", 4096)));
        l.add(s("DmStrategyBench.read", 1, 9_000_000, dm("error", 4096)));
        l.add(s("BaselineBench.arraycopyRead", 1, 1_000_000, size(4096)));
        l.add(s("BaselineBench.arraycopyRead", 2, 2_000_000, size(4096)));
        l.add(s("BaselineBench.arraycopyRead", 1, 2_000, size(1048576)));
        l.add(s("BaselineBench.pdevRead", 1, 900_000, size(4096)));
        l.add(s("BaselineBench.arraycopyWrite", 1, 1_250_000, size(4096)));
        l.add(s("TableScaleBench.read4k", 1, 1_000_000, Map.of("entries", "1")));
        l.add(s("TableScaleBench.read4k", 1, 900_000, Map.of("entries", "100")));
        l.add(s("TableScaleBench.read4k", 1, 400_000, Map.of("entries", "10000")));
        l.add(s("ProtocolBench.version", 1, 250_000, Map.of()));
        l.add(s("ProplibBench.internalize", 1, 600_000, Map.of("doc", "version")));
        l.add(s("ProplibBench.ddPlistParse", 1, 10_000, Map.of("doc", "version")));
        return l;
    }

    /** Issue 16 point 6: per-key throughput relative to the smallest document. */
    @Test
    void proplibScaling_perKeyThroughputRelativeToSmallest() {
        List<Score> l = List.of(
                new Score("ProplibScaleBench.internalizeKeys", Map.of("keys", "200000"), 1, "avgt", 100, 1, "ms/op"),
                new Score("ProplibScaleBench.internalizeKeys", Map.of("keys", "25000"), 1, "avgt", 10, 1, "ms/op"),
                new Score("ProplibScaleBench.internalizeKeys", Map.of("keys", "100000"), 1, "avgt", 40, 1, "ms/op"));
        Report r = new Report(l);
        List<Report.Pair> p = r.proplibScaling();
        assertEquals(3, p.size());
        assertEquals("internalizeKeys keys=25000", p.get(0).what());
        assertEquals(1.0, p.get(0).ratio(), 1e-9);
        assertEquals(1.0, p.get(1).ratio(), 1e-9); // 4x the keys in 4x the time: linear
        assertEquals(0.8, p.get(2).ratio(), 1e-9); // 8x the keys in 10x the time
        assertTrue(r.markdown("t", List.of(), "").contains("## proplib dictionary size (ProplibScaleBench)"));
    }

    @Test
    void strategyRows_ratiosToBothBaselinesOfSameSizeAndThreads() {
        List<Report.StrategyRow> rows = new Report(run()).strategyRows();
        assertEquals(5, rows.size());
        Report.StrategyRow lin = rows.get(0);
        assertEquals("linear", lin.target());
        assertEquals(4096, lin.size());
        assertEquals(1, lin.threads());
        assertEquals(0.8, lin.vsArraycopy(), 1e-12);
        assertEquals(800_000.0 / 900_000.0, lin.vsPdev(), 1e-12);
        assertEquals(800_000.0 * 4096 / 1048576, lin.mibPerSecond(), 1e-9);
        // zero write pairs with arraycopyWrite; no pdevWrite was measured
        Report.StrategyRow zero = rows.stream().filter(r -> r.target().equals("zero")).findFirst().orElseThrow();
        assertEquals(0.4, zero.vsArraycopy(), 1e-12);
        assertTrue(Double.isNaN(zero.vsPdev()));
        // 2-thread linear pairs with the 2-thread arraycopy, not the 1-thread one
        Report.StrategyRow two = rows.stream().filter(r -> r.threads() == 2).findFirst().orElseThrow();
        assertEquals(0.6, two.vsArraycopy(), 1e-12);
    }

    @Test
    void goals_measuredRatiosAndVerdicts() {
        List<Report.Goal> g = new Report(run()).goals();
        assertEquals(6, g.size());
        assertEquals(0.8, g.get(0).measured(), 1e-12);
        assertTrue(g.get(0).met());
        assertEquals(0.95, g.get(1).measured(), 1e-12);
        assertTrue(g.get(1).met());
        assertEquals(2.5, g.get(2).measured(), 1e-12); // 10,000 entries take 2.5x as long
        assertFalse(g.get(2).met());
        assertEquals(1.5, g.get(3).measured(), 1e-12);
        assertFalse(g.get(3).met());
        assertEquals(2.0, g.get(4).measured(), 1e-12); // reference: arraycopy's own 2-thread scaling
        assertEquals("(reference)", g.get(4).target());
        assertEquals(60.0, g.get(5).measured(), 1e-12);
        assertTrue(g.get(5).met());
        assertTrue(new Report(run()).markdown("t", List.of(), "").contains(
                "| reference: arraycopy 4 KiB read, 2 threads ÷ 1 thread | 2.00x | 2.00x | – | (reference) | – |\n"));
    }

    @Test
    void goals_bestIterationRatio() {
        List<Score> l = List.of(
                new Score("DmStrategyBench.read", dm("linear", 4096), 1, "thrpt", 700, 50, "ops/s", 900),
                new Score("BaselineBench.arraycopyRead", size(4096), 1, "thrpt", 1000, 50, "ops/s", 1000));
        Report.Goal g = new Report(l).goals().get(0);
        assertEquals(0.7, g.measured(), 1e-12);
        assertEquals(0.9, g.best(), 1e-12);
        assertFalse(g.met()); // the verdict follows the mean
    }

    @Test
    void goals_pairedRounds_medianDecides() {
        Map<String, String> lin = dm("linear", 4096);
        List<Score> paired = List.of(
                s("DmStrategyBench.read", 1, 850, lin), s("BaselineBench.arraycopyRead", 1, 1000, size(4096)),
                s("DmStrategyBench.read", 1, 500, lin), s("BaselineBench.arraycopyRead", 1, 1000, size(4096)),
                s("DmStrategyBench.read", 1, 900, lin), s("BaselineBench.arraycopyRead", 1, 1000, size(4096)),
                // a pair of another goal, and a pair in the wrong order: neither counts for goal 0
                s("TableScaleBench.read4k", 1, 10, Map.of("entries", "1")),
                s("TableScaleBench.read4k", 1, 10, Map.of("entries", "10000")),
                s("BaselineBench.arraycopyRead", 1, 1000, size(4096)), s("DmStrategyBench.read", 1, 1, lin));
        // main pass: 0.6x (missed); paired median 0.85x (met)
        List<Score> main = List.of(s("DmStrategyBench.read", 1, 600, lin), s("BaselineBench.arraycopyRead", 1, 1000, size(4096)));
        Report r = new Report(main, paired);
        Report.Goal g = r.goals().get(0);
        assertEquals(0.6, g.measured(), 1e-12);
        assertEquals(3, g.rounds());
        assertEquals(0.85, g.pairedMedian(), 1e-12);
        assertEquals(0.5, g.pairedMin(), 1e-12);
        assertEquals(0.9, g.pairedMax(), 1e-12);
        assertTrue(g.met());
        Report.Goal table = r.goals().get(2);
        assertEquals(1, table.rounds());
        assertEquals(1.0, table.pairedMedian(), 1e-12);
        assertTrue(table.met()); // no main-pass scores, the paired ratio decides
        assertTrue(r.markdown("t", List.of(), "").contains(
                "| linear 4 KiB read ÷ arraycopy | 0.600x | 0.600x | 0.850x (0.500–0.900, 3) | ≥ 0.800x | met |\n"));
    }

    @Test
    void goals_missingScores_notMeasured() {
        List<Report.Goal> g = new Report(List.of()).goals();
        for (Report.Goal goal : g) {
            assertTrue(Double.isNaN(goal.measured()), goal.what());
            assertFalse(goal.met(), goal.what());
        }
        String md = new Report(List.of()).markdown("t", List.of(), null);
        assertTrue(md.contains("| linear 4 KiB read ÷ arraycopy | – | – | – | ≥ 0.800x | not measured |"), md);
    }

    @Test
    void markdown_exactRows() {
        String md = new Report(run()).markdown("title", List.of("read.svg"), "nproc: 2");
        assertTrue(md.startsWith("# title\n"));
        assertTrue(md.contains("| linear | read | 4 KiB | 1 | 800 k | 3125 | 0.800x | 0.889x |\n"), md);
        assertTrue(md.contains("| error | read | 4 KiB | 1 | 9.00 M | (35156) | – | – |\n"), md);
        assertTrue(md.contains("| entries=10000 | 400 k ops/s | 1.00 M ops/s | 0.400x |\n"), md);
        assertTrue(md.contains("| DmStrategyBench.read size=4096 target=linear 2t÷1t | 1.20 M | 800 k | 1.50x | 1.50x | 2.00x |\n"), md);
        assertTrue(md.contains("| internalize doc=version | 600 k ops/s | 10.0 k ops/s | 60.0x |\n"), md);
        assertTrue(md.contains("| version | 250 k | 4.00 |\n"), md);
        assertTrue(md.contains("| 10,000-entry table: time ÷ 1-entry time | 2.50x | 2.50x | – | ≤ 1.20x | **missed** |\n"), md);
        assertTrue(md.contains("![read.svg](read.svg)"));
        assertTrue(md.contains("```\nnproc: 2\n```"));
    }

    @Test
    void markdown_scoreWithError() {
        Score s = new Score("ProtocolBench.info", Map.of(), 1, "thrpt", 123_456, 7_890, "ops/s");
        String md = new Report(List.of(s)).markdown("t", List.of(), "");
        assertTrue(md.contains("| info | 123 k ± 7.89 k | 8.10 |\n"), md);
    }

    @Test
    void unknownBenchmarks_listedNotDropped() {
        Score s = new Score("FooBench.bar", Map.of("x", "1"), 1, "avgt", 12.5, Double.NaN, "us/op");
        String md = new Report(List.of(s)).markdown("t", List.of(), "");
        assertTrue(md.contains("| FooBench.bar | x=1 | 1 | 12.5 us/op |\n"), md);
    }

    @Test
    void proplibPairing_byStemAndParams() {
        List<Score> l = List.of(
                s("ProplibBench.externalize", 1, 100, Map.of("request", "reload")),
                s("ProplibBench.externalizeDdPlist", 1, 10, Map.of("request", "reload")),
                s("ProplibBench.externalizeDdPlist", 1, 20, Map.of("request", "version")),
                s("ProplibBench.roundTrip", 1, 5, Map.of()));
        List<Report.Pair> p = new Report(l).proplib();
        assertEquals(2, p.size());
        assertEquals(10.0, p.get(0).ratio(), 1e-12);
        assertEquals("externalize request=reload", p.get(0).what());
        assertNull(p.get(1).baseline());
        assertTrue(Double.isNaN(p.get(1).ratio()));
    }

    @Test
    void proplibPairing_parseBaselineForInternalizeAndCopyin_sameDoc() {
        List<Score> l = List.of(
                new Score("ProplibBench.internalize", Map.of("doc", "version"), 1, "avgt", 1500, 10, "ns/op"),
                new Score("ProplibBench.copyinIoctl", Map.of("doc", "version"), 1, "avgt", 2000, 10, "ns/op"),
                new Score("ProplibBench.externalize", Map.of("doc", "version"), 1, "avgt", 900, 10, "ns/op"),
                new Score("ProplibBench.ddPlistParse", Map.of("doc", "version"), 1, "avgt", 90_000, 10, "ns/op"),
                new Score("ProplibBench.ddPlistParse", Map.of("doc", "reload100"), 1, "avgt", 1e6, 10, "ns/op"));
        Report r = new Report(l);
        List<Report.Pair> p = r.proplib();
        assertEquals(3, p.size());
        assertEquals("internalize doc=version", p.get(0).what());
        assertEquals(60.0, p.get(0).ratio(), 1e-9); // 90 µs ÷ 1.5 µs
        assertEquals(45.0, p.get(1).ratio(), 1e-9);
        assertNull(p.get(2).baseline()); // no dd-plist writer measured
        assertTrue(r.markdown("t", List.of(), "").contains("| internalize doc=version | 1.50 k ± 10.0 ns/op | 90.0 k ns/op | 60.0x |\n"));
        Report.Goal g = r.goals().get(5);
        assertEquals(60.0, g.measured(), 1e-9);
        assertTrue(g.met());
    }

    @Test
    void chartSeries_perTargetPlusBaselines_sortedBySize() {
        List<Chart.Series> series = new Report(run()).chartSeries("read", 1);
        assertEquals(List.of("dm linear", "dm striped2", "dm striped4", "dm zero", "arraycopy", "raw disk (no dm)"),
                series.stream().map(Chart.Series::name).toList());
        List<double[]> lin = series.get(0).points();
        assertEquals(2, lin.size());
        assertEquals(4096, lin.get(0)[0]);
        assertEquals(1048576, lin.get(1)[0]);
        assertEquals(1900.0, lin.get(1)[1], 1e-9);
        assertTrue(series.get(4).baseline());
    }
}
