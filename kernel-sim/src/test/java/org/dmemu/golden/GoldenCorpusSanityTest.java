package org.dmemu.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;
import org.dmemu.proplib.xml.PropParseException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the golden corpus itself, without the kernel: every case has as many expected entries as
 * input items; every expected reply document is in exact libprop layout (internalizing and
 * externalizing it again gives the same bytes); every request expected to reach the driver parses
 * as a dictionary; every request expected to fail copy-in with EIO/E2BIG really is unparseable /
 * oversized. This cross-checks the hand-written XML against the proplib codec and catches broken
 * case files before they are blamed on the kernel.
 */
class GoldenCorpusSanityTest {
    private static final int COPYIN_LIMIT = 131072;

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        Path root = Paths.get("src", "test", "resources", "golden");
        if (!Files.isDirectory(root)) {
            root = Paths.get("kernel-sim", "src", "test", "resources", "golden");
        }
        Path r = root;
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p.resolve("input")))
                    .filter(p -> !r.relativize(p).toString().startsWith("_"))
                    .sorted().forEach(cases::add);
        }
        assertTrue(cases.size() >= 60, "corpus has " + cases.size() + " cases");
        return cases.stream().map(dir -> DynamicTest.dynamicTest(
                r.relativize(dir).toString().replace('\\', '/'), () -> check(dir)));
    }

    private static void check(Path dir) throws IOException {
        String input = Files.readString(dir.resolve("input"), StandardCharsets.UTF_8);
        String expected = Files.readString(dir.resolve("expected"), StandardCharsets.UTF_8);
        boolean strict = Files.readString(dir.resolve("args")).contains("--strict-errno");
        List<String> items = inputItems(input);
        List<String> entries = outputEntries(expected);
        assertEquals(items.size(), entries.size(), "input items vs expected entries");
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            String entry = entries.get(i);
            String where = "item " + (i + 1);
            if (item.startsWith("% read ")) {
                String head = "read " + item.substring(7);
                assertTrue(entry.startsWith(head + " error=") || entry.startsWith(head + " open errno "),
                        where + ": " + entry);
                continue;
            }
            if (item.startsWith("% write ")) {
                String[] f = item.split(" ");
                String head = "write " + f[2] + " " + f[3] + " " + f[4];
                assertTrue(entry.startsWith(head + " error=") || entry.startsWith(head + " open errno "),
                        where + ": " + entry);
                continue;
            }
            byte[] req = item.getBytes(StandardCharsets.UTF_8);
            if (entry.startsWith("errno ")) {
                if (strict) {
                    continue;
                }
                if (entry.equals("errno 7 E2BIG")) {
                    assertTrue(req.length >= COPYIN_LIMIT, where + " is not oversized");
                } else if (entry.equals("errno 5 EIO")) {
                    assertTrue(req.length < COPYIN_LIMIT, where);
                    assertTrue(notADictionary(req), where + " parses as a dictionary but expects EIO");
                } else {
                    fail(where + ": unexpected transport errno " + entry);
                }
                continue;
            }
            assertTrue(req.length < COPYIN_LIMIT, where + " oversized but expects a reply");
            assertTrue(!notADictionary(req), where + ": request does not parse as a dictionary");
            byte[] doc = entry.getBytes(StandardCharsets.UTF_8);
            PropObject o;
            try {
                o = PropInternalizer.internalize(doc, PropInternalizer.Mode.KERNEL);
            } catch (PropParseException e) {
                throw new AssertionError(where + ": expected reply does not parse: " + e.getMessage(), e);
            }
            assertArrayEquals(doc, PropExternalizer.externalize(o),
                    where + ": expected reply is not in libprop layout");
        }
    }

    private static boolean notADictionary(byte[] req) {
        try {
            return !(PropInternalizer.internalize(req, PropInternalizer.Mode.KERNEL) instanceof PropDictionary);
        } catch (PropParseException e) {
            return true;
        }
    }

    /** Replay items: documents from a line starting with {@code <?xml}/{@code <plist} to {@code </plist>}, and directives. */
    static List<String> inputItems(String text) {
        List<String> items = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = text.length();
            }
            String line = text.substring(pos, eol);
            if (line.isBlank() || line.startsWith("#")) {
                pos = eol + 1;
            } else if (line.startsWith("%")) {
                items.add(line);
                pos = eol + 1;
            } else if (line.startsWith("<?xml") || line.startsWith("<plist")) {
                int end = text.indexOf("</plist>", pos);
                if (end < 0) {
                    fail("unterminated document at offset " + pos);
                }
                end += "</plist>".length();
                items.add(text.substring(pos, end));
                pos = end;
                if (pos < text.length() && text.charAt(pos) == '\n') {
                    pos++;
                }
            } else {
                fail("unexpected input line: " + line);
            }
        }
        return items;
    }

    /** Output entries: reply documents ({@code <?xml} … {@code </plist>\n}) and single result lines. */
    static List<String> outputEntries(String text) {
        List<String> entries = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            if (text.startsWith("<?xml", pos)) {
                int end = text.indexOf("</plist>\n", pos);
                if (end < 0) {
                    fail("unterminated reply document at offset " + pos);
                }
                end += "</plist>\n".length();
                entries.add(text.substring(pos, end));
                pos = end;
            } else {
                int eol = text.indexOf('\n', pos);
                if (eol < 0) {
                    fail("expected output does not end with a newline");
                }
                entries.add(text.substring(pos, eol));
                pos = eol + 1;
            }
        }
        return entries;
    }
}
