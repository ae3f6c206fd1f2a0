package org.dmemu.conform;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dmemu replay --expect FILE.out}: the expected output, one item per input item, and the
 * comparison of each actual output item with it.
 *
 * <p>FILE.out has the format replay prints: an XML reply document (from a line starting
 * {@code <?xml} or {@code <plist} up to the line holding {@code </plist>}) or one line
 * ({@code errno N NAME}, {@code read …}, {@code write …}) per item. Blank lines and lines starting
 * with {@code #} between items are ignored, so a hand-written expectation (the replies of a real
 * NetBSD machine, say) can carry notes.
 *
 * <p>Every item is compared byte for byte; the first difference is printed as a unified diff of
 * the two items, headed with the item number, and the exit status is 1 if any item differs or
 * the item counts differ.
 */
public final class Expectation {
    private final String name;
    private final List<String> expected;
    private int seen;
    private int differing;
    private String firstDiff;
    private int firstItem;

    private Expectation(String name, List<String> expected) {
        this.name = name;
        this.expected = expected;
    }

    /** Reads FILE.out. */
    public static Expectation load(Path file) throws IOException {
        return new Expectation(file.toString(), items(Files.readString(file, StandardCharsets.ISO_8859_1)));
    }

    /** Splits an output text into its items (see the class comment). */
    static List<String> items(String text) {
        List<String> out = new ArrayList<>();
        List<String> lines = UnifiedDiff.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("<?xml") || l.startsWith("<plist")) {
                StringBuilder doc = new StringBuilder(l);
                while (!l.contains("</plist>") && i + 1 < lines.size()) {
                    l = lines.get(++i);
                    doc.append(l);
                }
                out.add(doc.toString());
            } else {
                out.add(l);
            }
        }
        return out;
    }

    /** The number of expected items. */
    public int size() {
        return expected.size();
    }

    /**
     * Compares output item {@code n} (1-based, in order) with the expected one. {@code actual}
     * is the item's exact output (ISO-8859-1: one char per byte).
     */
    public void check(int n, String actual) {
        seen = n;
        String want = n <= expected.size() ? expected.get(n - 1) : "";
        if (!want.equals(actual)) {
            String wantName = name + " item " + n + (n <= expected.size() ? "" : " (missing: " + name + " has "
                    + expected.size() + " items)");
            difference(n, UnifiedDiff.diff(wantName, want, "replay item " + n, actual));
        }
    }

    private void difference(int n, String diff) {
        differing++;
        if (firstDiff == null) {
            firstDiff = diff;
            firstItem = n;
        }
    }

    /**
     * Ends the comparison: items expected beyond the last one run are differences; prints the
     * first difference on {@code out} and a summary on {@code err}. Returns the exit status.
     */
    public int finish(PrintStream out, PrintStream err) {
        for (int n = seen + 1; n <= expected.size(); n++) {
            difference(n, UnifiedDiff.diff(name + " item " + n, expected.get(n - 1),
                    "replay item " + n + " (not produced: the input has " + seen + " items)", ""));
        }
        if (firstDiff == null) {
            return 0;
        }
        out.write(firstDiff.getBytes(StandardCharsets.ISO_8859_1), 0, firstDiff.length());
        out.flush();
        err.println("dmemu replay: " + differing + " of " + Math.max(seen, expected.size()) + " items differ from "
                + name + " (first: item " + firstItem + ")");
        return 1;
    }
}
