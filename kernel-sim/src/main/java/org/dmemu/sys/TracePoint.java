package org.dmemu.sys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One place where the kernel traces a step: the NetBSD function the step is named after, and
 * how its {@code --trace} line reads, as a template whose holes name the step's values.
 *
 * <p>A handler declares its points once, as constants, and emits them with the values only
 * ({@code dm.trace(3, DEV_INSERT, minor, error)}), so that its body reads like the C it
 * mirrors; the text renderer ({@link TraceText}) and the web view both get the same
 * {@link TraceEvent}: the function, the depth and the named values.
 *
 * <p>The template is text with holes:
 * <ul>
 * <li>{@code {name}}: the value: strings as they are, errnos by name, numbers in decimal,
 *     lists as {@code [a, b]}, null as {@code (none)};</li>
 * <li>{@code {name:u}}: a long as an unsigned decimal; {@code {name:x}}: a number in hex
 *     (without {@code 0x}); {@code {name:q}}: a string in double quotes, or {@code (none)};</li>
 * <li>{@code {name?then}} and {@code {name?then|else}}: {@code then} when the value is set
 *     (not null, not false, not {@link Errno#NONE}, not an empty list; an empty string is set), else
 *     {@code else} or nothing; both may hold holes of their own.</li>
 * </ul>
 * The values are passed in the order their names first appear in the template.
 *
 * <p>Differences from NetBSD: dmemu's own teaching aid.
 */
public final class TracePoint {
    private final String function;
    private final String template;
    private final List<String> names = new ArrayList<>();
    private final List<Character> formats = new ArrayList<>();
    private final Node[] nodes;

    private TracePoint(String function, String template) {
        this.function = function;
        this.template = template;
        int[] pos = {0};
        this.nodes = parse(pos, false);
        if (pos[0] != template.length()) {
            throw new IllegalArgumentException("trace template: unmatched '" + template.charAt(pos[0]) + "' at "
                    + pos[0] + " in \"" + template + "\"");
        }
    }

    /**
     * A trace point named after {@code function}, whose line reads as {@code template}.
     *
     * @throws IllegalArgumentException if the template does not parse (a programming error,
     *                                  found when the declaring class is loaded)
     */
    public static TracePoint of(String function, String template) {
        return new TracePoint(function, template);
    }

    /** The NetBSD function the step is named after ({@code dm_table_load_ioctl}). */
    public String function() {
        return function;
    }

    /** The template, as declared. */
    public String template() {
        return template;
    }

    /** The names of the values, in the order they are passed. */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** How many values an emit passes. */
    public int arity() {
        return names.size();
    }

    /**
     * The value {@code i} as data for a reader that is not a text line: errnos by name,
     * {@code :u} longs as unsigned decimal strings when they do not fit a signed long,
     * {@code :x} numbers as {@code 0x…} strings; everything else unchanged.
     */
    Object data(int i, Object v) {
        if (v instanceof Errno e) {
            return e.name();
        }
        char f = formats.get(i);
        if (v instanceof Number n && f == 'u' && n.longValue() < 0) {
            return Long.toUnsignedString(n.longValue());
        }
        if (v instanceof Number n && f == 'x') {
            return "0x" + Long.toHexString(n.longValue());
        }
        return v;
    }

    /** Renders the line's text (without indentation) for {@code values}. */
    public String text(Object... values) {
        StringBuilder sb = new StringBuilder(template.length() + 32);
        render(sb, nodes, values);
        return sb.toString();
    }

    void render(StringBuilder sb, Object[] values) {
        render(sb, nodes, values);
    }

    private static void render(StringBuilder sb, Node[] nodes, Object[] values) {
        for (Node n : nodes) {
            n.render(sb, values);
        }
    }

    private sealed interface Node permits Lit, Hole, Cond {
        void render(StringBuilder sb, Object[] values);
    }

    private record Lit(String text) implements Node {
        public void render(StringBuilder sb, Object[] values) {
            sb.append(text);
        }
    }

    private record Hole(int index, char format) implements Node {
        public void render(StringBuilder sb, Object[] values) {
            Object v = values[index];
            if (v == null) {
                sb.append("(none)");
                return;
            }
            switch (format) {
                case 'u' -> sb.append(Long.toUnsignedString(((Number) v).longValue()));
                case 'x' -> sb.append(Long.toHexString(((Number) v).longValue()));
                case 'q' -> sb.append('"').append(v).append('"');
                default -> sb.append(v instanceof Errno e ? e.name() : String.valueOf(v));
            }
        }
    }

    private record Cond(int index, Node[] then, Node[] otherwise) implements Node {
        public void render(StringBuilder sb, Object[] values) {
            TracePoint.render(sb, isSet(values[index]) ? then : otherwise, values);
        }
    }

    static boolean isSet(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Errno e) {
            return e != Errno.NONE;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    private Node[] parse(int[] pos, boolean nested) {
        List<Node> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        while (pos[0] < template.length()) {
            char c = template.charAt(pos[0]);
            if (c == '}' || nested && c == '|') {
                break; // the end of a conditional's part; at the top level, an error the caller reports
            }
            if (c != '{') {
                lit.append(c);
                pos[0]++;
                continue;
            }
            if (!lit.isEmpty()) {
                out.add(new Lit(lit.toString()));
                lit.setLength(0);
            }
            out.add(hole(pos));
        }
        if (!lit.isEmpty()) {
            out.add(new Lit(lit.toString()));
        }
        return out.toArray(new Node[0]);
    }

    /** Parses the hole at {@code pos} ({@code {…}}) and leaves {@code pos} after its brace. */
    private Node hole(int[] pos) {
        int start = ++pos[0];
        while (pos[0] < template.length() && isNameChar(template.charAt(pos[0]))) {
            pos[0]++;
        }
        String name = template.substring(start, pos[0]);
        if (name.isEmpty() || pos[0] >= template.length()) {
            throw bad("a hole without a name", start);
        }
        int index = names.indexOf(name);
        char c = template.charAt(pos[0]);
        char format = 0;
        if (c == ':' && pos[0] + 1 < template.length()) {
            format = template.charAt(pos[0] + 1);
            if ("uxq".indexOf(format) < 0) {
                throw bad("unknown format '" + format + "'", pos[0] + 1);
            }
            pos[0] += 2;
            c = pos[0] < template.length() ? template.charAt(pos[0]) : 0;
        }
        if (index < 0) {
            names.add(name);
            formats.add(format);
            index = names.size() - 1;
        }
        if (c == '}') {
            pos[0]++;
            return new Hole(index, format);
        }
        if (c != '?' || format != 0) {
            throw bad("expected '}' or '?'", pos[0]);
        }
        pos[0]++;
        Node[] then = parse(pos, true);
        Node[] otherwise = new Node[0];
        if (pos[0] < template.length() && template.charAt(pos[0]) == '|') {
            pos[0]++;
            otherwise = parse(pos, true);
        }
        if (pos[0] >= template.length() || template.charAt(pos[0]) != '}') {
            throw bad("unclosed '{" + name + "?'", start);
        }
        pos[0]++;
        return new Cond(index, then, otherwise);
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private IllegalArgumentException bad(String why, int at) {
        return new IllegalArgumentException("trace template: " + why + " at " + at + " in \"" + template + "\"");
    }

    @Override
    public String toString() {
        return function + ": " + template;
    }
}
