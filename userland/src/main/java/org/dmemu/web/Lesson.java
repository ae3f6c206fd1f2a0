package org.dmemu.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.kern.Kernel;
import org.dmemu.replay.Replay;

/**
 * A replay file run one item at a time for the page's step-through: each item with the comment
 * paragraph written just above it (the lesson text), and, once run, its output exactly as
 * {@code dmemu replay} prints it.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
final class Lesson {
    /** One item: its explanation, its source text, and its output once run (else null). */
    record Step(int number, String explanation, String source, String output) {
    }

    private final String name;
    private final Kernel kernel;
    private final List<Replay.Item> items;
    private final List<String> explanations = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    /**
     * @throws IllegalArgumentException naming the item and line of a malformed file
     */
    Lesson(String name, byte[] file, Kernel kernel) {
        this.name = name;
        this.kernel = kernel;
        this.items = Replay.items(file);
        String[] lines = new String(file, StandardCharsets.UTF_8).split("\n", -1);
        int prevEnd = 0;
        for (int i = 0; i < items.size(); i++) {
            int first = items.get(i).line() - 1;
            int next = i + 1 < items.size() ? items.get(i + 1).line() - 1 : lines.length;
            explanations.add(comments(lines, prevEnd, first));
            int last = next;
            while (last > first && !isItemText(lines[last - 1])) {
                last--;
            }
            sources.add(String.join("\n", java.util.Arrays.asList(lines).subList(first, last)));
            prevEnd = last;
        }
    }

    private static boolean isItemText(String line) {
        String t = line.strip();
        return !t.isEmpty() && !t.startsWith("#");
    }

    /** The {@code #} lines between {@code from} and {@code to}, without their marks, as one paragraph. */
    private static String comments(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            String t = lines[i].strip();
            if (t.startsWith("#")) {
                String text = t.substring(1).strip();
                if (!text.isEmpty()) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(text);
                }
            }
        }
        return sb.toString();
    }

    String name() {
        return name;
    }

    /** Runs the next item; returns its output, or null when every item has run. */
    synchronized String step() {
        if (outputs.size() >= items.size()) {
            return null;
        }
        String out = Replay.runOne(kernel, items.get(outputs.size()));
        outputs.add(out);
        return out;
    }

    /** Every item, with the outputs of those already run. */
    synchronized List<Step> steps() {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(new Step(items.get(i).number(), explanations.get(i), sources.get(i),
                    i < outputs.size() ? outputs.get(i) : null));
        }
        return out;
    }

    /** How many items have run. */
    synchronized int done() {
        return outputs.size();
    }
}
