package org.dmemu.sys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of the teaching trace, as every listener gets it: the trace point (which names the
 * NetBSD function), the call depth and the step's values.
 *
 * <p>The values are the emitter's own and are read, not copied: a listener that keeps an event
 * past its {@link TraceListener#event} call keeps its {@link #text()} or {@link #values()}. As a
 * record holding an array, two events are equal only when they hold the same array.
 *
 * @param thread the label of the thread that took the step ({@code "[kmirrord] "}), or ""
 * @param depth  the call depth, the indentation level of the text line
 * @param point  where the step was traced
 * @param args   the values, in the order of {@link TracePoint#names()}
 */
public record TraceEvent(String thread, int depth, TracePoint point, Object[] args) {

    /** The NetBSD function the step is named after. */
    public String function() {
        return point.function();
    }

    /** The step's text, without thread label or indentation. */
    public String text() {
        return point.text(args);
    }

    /** The {@code --trace} line: thread label, two spaces per depth level, text. */
    public String line() {
        StringBuilder sb = new StringBuilder(thread.length() + depth * 2 + 64);
        sb.append(thread);
        for (int i = 0; i < depth; i++) {
            sb.append("  ");
        }
        point.render(sb, args);
        return sb.toString();
    }

    /**
     * The named values as data: errnos by name, unsigned and hex numbers as the text shows them
     * (see {@link TracePoint#data}), lists as lists of strings; in template order.
     */
    public Map<String, Object> values() {
        List<String> names = point.names();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Object v = point.data(i, args[i]);
            if (v instanceof List<?> l) {
                v = l.stream().map(String::valueOf).toList();
            }
            out.put(names.get(i), v);
        }
        return out;
    }
}
