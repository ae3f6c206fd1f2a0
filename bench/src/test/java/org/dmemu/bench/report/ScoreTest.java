package org.dmemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ScoreTest {
    /** The shape JMH 1.37 writes with -rf json (abridged: rawData and secondary metrics kept). */
    static final String JMH_JSON = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "org.dmemu.bench.DmStrategyBench.read",
                    "mode" : "thrpt",
                    "threads" : 2,
                    "forks" : 1,
                    "jvm" : "/usr/lib/jvm/java-17/bin/java",
                    "jvmArgs" : [ "-Xms1g", "-Xmx1g" ],
                    "params" : { "size" : "4096", "target" : "linear" },
                    "primaryMetric" : {
                        "score" : 1234567.5,
                        "scoreError" : 2345.25,
                        "scoreConfidence" : [ 1232222.25, 1236912.75 ],
                        "scorePercentiles" : { "0.0" : 1.0E6, "100.0" : 1.3e+6 },
                        "scoreUnit" : "ops/s",
                        "rawData" : [ [ 1200000.0, 1269135.0 ] ]
                    },
                    "secondaryMetrics" : { }
                },
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "org.dmemu.bench.ProtocolBench.version",
                    "mode" : "avgt",
                    "threads" : 1,
                    "primaryMetric" : {
                        "score" : 2.5,
                        "scoreError" : "NaN",
                        "scoreUnit" : "us/op",
                        "rawData" : [ [ 2.5, 3.0 ], [ 2.0 ] ]
                    },
                    "secondaryMetrics" : { "note" : "a \\"quoted\\" \\u00e9 \\n" },
                    "flag" : true,
                    "nothing" : null
                }
            ]
            """;

    @Test
    void fromJmhJson_fields() {
        List<Score> l = Score.fromJmhJson(JMH_JSON);
        assertEquals(2, l.size());
        Score a = l.get(0);
        assertEquals("DmStrategyBench.read", a.benchmark());
        assertEquals("DmStrategyBench", a.className());
        assertEquals("read", a.method());
        assertEquals(Map.of("size", "4096", "target", "linear"), a.params());
        assertEquals(4096, a.intParam("size"));
        assertEquals(-1, a.intParam("target"));
        assertEquals(2, a.threads());
        assertEquals(1234567.5, a.score());
        assertEquals(2345.25, a.error());
        assertEquals(1234567.5, a.opsPerSecond());
        assertEquals(1269135.0, a.best()); // the highest throughput iteration
        Score b = l.get(1);
        assertEquals("avgt", b.mode());
        assertTrue(Double.isNaN(b.error()));
        assertEquals(400_000.0, b.opsPerSecond(), 1e-6); // 2.5 us/op
        assertEquals(2.0, b.best()); // the lowest time per operation, over both forks
        assertEquals(500_000.0, b.bestOpsPerSecond(), 1e-6);
        assertEquals(Map.of(), b.params());
    }

    @Test
    void opsPerSecond_units() {
        assertEquals(5000.0, new Score("A.b", Map.of(), 1, "thrpt", 5, 0, "ops/ms").opsPerSecond(), 1e-9);
        assertEquals(1e9 / 20, new Score("A.b", Map.of(), 1, "avgt", 20, 0, "ns/op").opsPerSecond(), 1e-3);
    }

    @Test
    void malformedJson_namesOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Score.fromJmhJson("[ {\"a\" 1} ]"));
        assertEquals("JSON: expected ':' at offset 7", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Score.fromJmhJson("{}"));
        assertThrows(IllegalArgumentException.class, () -> Score.fromJmhJson("[] x"));
        assertThrows(IllegalArgumentException.class, () -> Score.fromJmhJson("[\"abc"));
    }

    @Test
    void json_escapesAndLiterals() {
        Object o = Json.parse("{\"s\":\"a\\\"b\\u00e9\\n\",\"t\":true,\"n\":null,\"x\":[1,-2.5e3]}");
        Map<?, ?> m = (Map<?, ?>) o;
        assertEquals("a\"b\u00e9\n", m.get("s"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertTrue(m.containsKey("n"));
        assertEquals(List.of(1.0, -2500.0), m.get("x"));
    }
}
