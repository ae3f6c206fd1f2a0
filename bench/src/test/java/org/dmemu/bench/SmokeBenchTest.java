package org.dmemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.dmemu.bench.report.ReportMain;
import org.dmemu.bench.report.Score;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The CI smoke run: two tiny benchmarks through JMH's Runner in this JVM (fork 0, no warmup,
 * one 100 ms iteration), their JSON through our reader, and the report written from it. It
 * checks that results were produced and flow into the report; it never asserts on timings.
 */
class SmokeBenchTest {
    @Test
    void versionIoctlAndLinear4kRead_produceResultsAndReport(@TempDir Path dir) throws Exception {
        // Another JMH run on the machine (a developer's suite) must not fail CI's smoke run,
        // which asserts nothing about timings.
        System.setProperty("jmh.ignoreLock", "true");
        OptionsBuilder o = new OptionsBuilder();
        o.include("\\.ProtocolBench\\.version$")
                .include("\\.DmStrategyBench\\.read$")
                .param("target", "linear")
                .param("size", "4096")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .threads(1)
                .output(dir.resolve("jmh.log").toString())
                .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(o.build()).run();
        assertEquals(2, results.size());

        Path json = dir.resolve("results.json");
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(new ArrayList<>(results));
        List<Score> scores = Score.fromJmhJson(Files.readString(json));
        assertEquals(2, scores.size());
        for (Score s : scores) {
            assertTrue(s.score() > 0, s.toString());
            assertEquals("ops/s", s.unit());
        }
        Path md = ReportMain.write(dir, scores, "smoke");
        String report = Files.readString(md);
        assertTrue(report.contains("| linear | read | 4 KiB | 1 | "), report);
        assertTrue(report.contains("| version | "), report);
        assertTrue(Files.readString(dir.resolve("read.svg")).contains("<polyline"));
    }
}
