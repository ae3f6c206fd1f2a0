package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LVM2's configuration-tree syntax, in which the text metadata is written (libdm/libdm-config.c
 * {@code dm_config_from_string}, {@code _file}, {@code _section}, {@code _value},
 * {@code _get_token}): sections {@code name { ... }} and settings {@code key = value}, a value
 * being a string in double quotes (with {@code \"} and {@code \\} escapes), an integer, a
 * float, or an array {@code [v, v, ...]}; {@code #} starts a comment to the end of the line.
 *
 * <p>Differences from LVM2: a duplicate key is an error (LVM2 keeps both and finds the first).
 */
public final class LvmConfig {
    /** One section: its settings and subsections, in file order. */
    public static final class Section {
        public final String name;
        public final Map<String, Object> values = new LinkedHashMap<>();
        public final Map<String, Section> sections = new LinkedHashMap<>();

        Section(String name) {
            this.name = name;
        }

        public Section section(String key) {
            return sections.get(key);
        }

        public Object value(String key) {
            return values.get(key);
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private LvmConfig(String text) {
        this.text = text;
    }

    /**
     * Parses {@code text} into its top-level section (named "").
     *
     * @throws IllegalArgumentException with "line N: what" on a syntax error
     */
    public static Section parse(String text) {
        LvmConfig p = new LvmConfig(text);
        Section top = new Section("");
        p.body(top, true);
        return top;
    }

    private void body(Section s, boolean top) {
        while (true) {
            skip();
            if (pos >= text.length()) {
                if (!top) {
                    throw error("missing '}' of section \"" + s.name + "\"");
                }
                return;
            }
            char c = text.charAt(pos);
            if (c == '}') {
                if (top) {
                    throw error("unexpected '}'");
                }
                pos++;
                return;
            }
            String key = identifier();
            skip();
            if (pos < text.length() && text.charAt(pos) == '{') {
                pos++;
                Section sub = new Section(key);
                body(sub, false);
                if (s.sections.put(key, sub) != null || s.values.containsKey(key)) {
                    throw error("duplicate \"" + key + "\"");
                }
            } else if (pos < text.length() && text.charAt(pos) == '=') {
                pos++;
                Object v = value(true);
                if (s.values.put(key, v) != null || s.sections.containsKey(key)) {
                    throw error("duplicate \"" + key + "\"");
                }
            } else {
                throw error("expected '=' or '{' after \"" + key + "\"");
            }
        }
    }

    private Object value(boolean arrayAllowed) {
        skip();
        if (pos >= text.length()) {
            throw error("missing value");
        }
        char c = text.charAt(pos);
        if (c == '[' && arrayAllowed) {
            pos++;
            List<Object> list = new ArrayList<>();
            skip();
            if (pos < text.length() && text.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                list.add(value(false));
                skip();
                if (pos >= text.length()) {
                    throw error("missing ']'");
                }
                char d = text.charAt(pos++);
                if (d == ']') {
                    return list;
                }
                if (d != ',') {
                    throw error("expected ',' or ']' in an array");
                }
            }
        }
        if (c == '"') {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char d = text.charAt(pos++);
                if (d == '"') {
                    return sb.toString();
                }
                if (d == '\\' && pos < text.length()) {
                    d = text.charAt(pos++);
                }
                if (d == '\n') {
                    line++;
                }
                sb.append(d);
            }
        }
        int start = pos;
        if (c == '-' || c == '+') {
            pos++;
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        String num = text.substring(start, pos);
        try {
            if (num.contains(".")) {
                return Double.parseDouble(num);
            }
            return Long.parseLong(num);
        } catch (NumberFormatException e) {
            throw error("bad value \"" + (num.isEmpty() ? String.valueOf(c) : num) + "\"");
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '=' || c == '{' || c == '}' || c == '[' || c == ']'
                    || c == '"' || c == '#' || c == ',') {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw error("expected a name, found '" + text.charAt(pos) + "'");
        }
        return text.substring(start, pos);
    }

    private void skip() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                }
                pos++;
            } else {
                return;
            }
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("line " + line + ": " + what);
    }
}
