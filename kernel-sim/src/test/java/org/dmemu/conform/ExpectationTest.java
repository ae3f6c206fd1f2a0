package org.dmemu.conform;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectationTest {
    static final String DOC = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict>\n</dict>\n</plist>\n";

    @Test
    void items_docsLinesCommentsAndBlanks() {
        assertEquals(List.of(DOC, "errno 2 ENOENT\n", "read /dev/rwd1d 0 512 error=0 resid=0 sha256=00\n", DOC),
                Expectation.items("# a note\n" + DOC + "\nerrno 2 ENOENT\nread /dev/rwd1d 0 512 error=0 resid=0 sha256=00\n"
                        + "# another\n" + DOC));
    }

    private static String[] finish(Expectation e) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        int st = e.finish(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(r, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(st), o.toString(StandardCharsets.UTF_8), r.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void firstDifferenceAsDiff_countsAll(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.out");
        Files.writeString(f, "errno 2 ENOENT\nwrite /dev/mapper/v 0 512 error=0 resid=0\nerrno 22 EINVAL\n");
        Expectation e = Expectation.load(f);
        e.check(1, "errno 2 ENOENT\n");
        e.check(2, "write /dev/mapper/v 0 512 error=5 resid=512\n");
        e.check(3, "errno 5 EIO\n");
        String[] r = finish(e);
        assertEquals("1", r[0]);
        assertEquals("--- " + f + " item 2\n+++ replay item 2\n@@ -1 +1 @@\n-write /dev/mapper/v 0 512 error=0 resid=0\n"
                + "+write /dev/mapper/v 0 512 error=5 resid=512\n", r[1]);
        assertEquals("dmemu replay: 2 of 3 items differ from " + f + " (first: item 2)\n", r[2]);
    }

    @Test
    void countsDiffer_areDifferences(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.out");
        Files.writeString(f, "errno 2 ENOENT\nerrno 22 EINVAL\n");
        Expectation e = Expectation.load(f);
        e.check(1, "errno 2 ENOENT\n");
        String[] r = finish(e);
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("--- " + f + " item 2\n+++ replay item 2 (not produced: the input has 1 items)\n"), r[1]);
        Expectation more = Expectation.load(f);
        more.check(1, "errno 2 ENOENT\n");
        more.check(2, "errno 22 EINVAL\n");
        more.check(3, "errno 5 EIO\n");
        r = finish(more);
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("--- " + f + " item 3 (missing: " + f + " has 2 items)\n+++ replay item 3\n"), r[1]);
        Expectation same = Expectation.load(f);
        same.check(1, "errno 2 ENOENT\n");
        same.check(2, "errno 22 EINVAL\n");
        assertArrayEquals(new String[] {"0", "", ""}, finish(same));
    }
}
