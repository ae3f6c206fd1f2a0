package org.dmemu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.replay.Replay;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The lessons in docs/lessons stay true: each replays to its committed {@code .out} (written by
 * {@code dmemu replay}, reviewed by hand), every item has its paragraph, and the claims the
 * paragraphs make about the outputs hold.
 */
class LessonsTest {
    private static final Path DIR = Path.of("..", "docs", "lessons");
    private static final String ZEROS_512 = sha256(new byte[512]);

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Path> lessons() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".replay")).sorted().toList();
        }
    }

    private static String replay(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Replay.run(new String[] {file.toString()}, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thereAreFiveLessons() throws IOException {
        assertEquals(5, lessons().size());
    }

    @TestFactory
    List<DynamicTest> eachLesson_replaysToItsOut_andExplainsEveryStep() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : lessons()) {
            tests.add(DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                String name = p.getFileName().toString();
                Path out = DIR.resolve(name.replace(".replay", ".out"));
                assertEquals(Files.readString(out), replay(p), name + " no longer replays to " + out);
                try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:64M", 512),
                        new DiskSpec("wd1", "mem:64M", 512)), Set.of(), false, false, null))) {
                    for (Lesson.Step s : new Lesson(name, Files.readAllBytes(p), k).steps()) {
                        assertFalse(s.explanation().isBlank(), name + ": item " + s.number() + " has no paragraph");
                    }
                }
            }));
        }
        return tests;
    }

    private static List<String> shas(String out) {
        List<String> l = new ArrayList<>();
        Matcher m = Pattern.compile("sha256=([0-9a-f]{64})").matcher(out);
        while (m.find()) {
            l.add(m.group(1));
        }
        return l;
    }

    @Test
    void linearLesson_eachHalfIsFoundOnItsDisk() {
        List<String> s = shas(replay(DIR.resolve("01-linear-over-two-disks.replay")));
        assertEquals(4, s.size());
        assertEquals(s.get(0), s.get(1));
        assertEquals(s.get(2), s.get(3));
        assertFalse(s.get(0).equals(s.get(2)));
    }

    @Test
    void failedReloadLesson_keepsTheActiveZeroTable() {
        String out = replay(DIR.resolve("02-a-reload-that-fails.replay"));
        // the two failed reloads: replies without the EXISTS flag (no flags key at all)
        String[] docs = out.split("</plist>\n");
        assertFalse(docs[3].contains("<key>flags</key>"), docs[3]);
        assertFalse(docs[4].contains("<key>flags</key>"), docs[4]);
        assertTrue(docs[5].contains("<key>flags</key>\n\t<integer>0x30</integer>"), docs[5]); // STATUS_TABLE|ACTIVE_PRESENT
        assertTrue(out.endsWith("read /dev/mapper/keep 0 512 error=0 resid=0 sha256="
                + ZEROS_512 + "\n"), out);
    }

    @Test
    void resumeLesson_swapsTheTables() {
        List<String> s = shas(replay(DIR.resolve("03-resume-swaps-tables.replay")));
        assertEquals(List.of(ZEROS_512, s.get(2), s.get(2)), s);
        assertFalse(s.get(0).equals(s.get(1)));
    }

    @Test
    void stripeLesson_chunksAlternate() {
        List<String> s = shas(replay(DIR.resolve("04-stripe-chunk-math.replay")));
        assertEquals(s.get(0), s.get(1));
        assertEquals(s.get(2), s.get(3));
    }

    @Test
    void labelLesson_labelSectorWriteIsEROFS() {
        String out = replay(DIR.resolve("05-the-label-sector.replay"));
        assertTrue(out.contains("write /dev/mapper/low 1 512 error=30 resid=512\n"), out);
        assertTrue(out.contains("write /dev/mapper/low 2 512 error=0 resid=0\n"), out);
        assertTrue(out.contains("write /dev/mapper/safe 0 1024 error=0 resid=0\n"), out);
    }
}
