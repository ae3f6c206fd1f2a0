package org.dmemu.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code report.md}, {@code read.svg} and {@code write.svg} into a results directory from
 * JMH JSON result files ({@code -rf json}): {@code ReportMain DIR [RESULTS.json …]} (default
 * {@code DIR/results.json}; {@code DIR/pairs.json}, the goals' paired rounds, is read when
 * present). {@code DIR/machine.txt} and {@code DIR/nbd.md} (the output of
 * bench/nbd-compare.sh), when present, are included in the report.
 */
public final class ReportMain {
    private ReportMain() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ReportMain DIR [RESULTS.json ...]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        if (files.isEmpty()) {
            files.add(dir.resolve("results.json"));
        }
        try {
            List<Score> scores = new ArrayList<>();
            for (Path f : files) {
                scores.addAll(Score.fromJmhJson(Files.readString(f, StandardCharsets.UTF_8)));
            }
            Path pairs = dir.resolve("pairs.json");
            List<Score> paired = Files.exists(pairs) ? Score.fromJmhJson(Files.readString(pairs, StandardCharsets.UTF_8))
                    : List.of();
            Path md = write(dir, scores, paired, "dmemu benchmarks: " + dir.getFileName());
            System.out.println("report: " + md);
        } catch (IOException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            System.err.println("ReportMain: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Writes the report and the charts into {@code dir}; returns the report's path. */
    public static Path write(Path dir, List<Score> scores, String title) throws IOException {
        return write(dir, scores, List.of(), title);
    }

    /**
     * Writes the report and the charts into {@code dir}, with the goals' paired rounds
     * ({@code paired}: subject, baseline, subject, baseline …); returns the report's path.
     */
    public static Path write(Path dir, List<Score> scores, List<Score> paired, String title) throws IOException {
        Files.createDirectories(dir);
        Report r = new Report(scores, paired);
        List<String> charts = new ArrayList<>();
        for (String op : List.of("read", "write")) {
            String name = op + ".svg";
            Files.writeString(dir.resolve(name), Chart.svg(
                    "dmstrategy " + op + "s, 1 thread: throughput against transfer size", r.chartSeries(op, 1)),
                    StandardCharsets.UTF_8);
            charts.add(name);
        }
        Path machine = dir.resolve("machine.txt");
        String m = Files.exists(machine) ? Files.readString(machine, StandardCharsets.UTF_8) : null;
        String text = r.markdown(title, charts, m);
        Path nbd = dir.resolve("nbd.md");
        if (Files.exists(nbd)) {
            // bench/nbd-compare.sh's table, when run-bench --nbd ran it into this directory
            int at = text.indexOf("## Machine");
            String section = "## NBD: dmemu serve vs nbdkit (bench/nbd-compare.sh)\n\n"
                    + Files.readString(nbd, StandardCharsets.UTF_8).strip() + "\n\n";
            text = at < 0 ? text + section : text.substring(0, at) + section + text.substring(at);
        }
        Path md = dir.resolve("report.md");
        Files.writeString(md, text, StandardCharsets.UTF_8);
        return md;
    }
}
