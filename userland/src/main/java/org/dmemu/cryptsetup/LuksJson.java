package org.dmemu.cryptsetup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for the LUKS2 metadata area (RFC 8259 values: objects → LinkedHashMap,
 * arrays → List, strings, numbers → Long, true/false, null). LUKS2 JSON is small, machine
 * written and uses no floats; a 150-line reader avoids a dependency for one use. Errors are
 * IllegalArgumentException naming the byte offset.
 *
 * <p>Differences from NetBSD: none (cryptsetup's lib/luks2 uses json-c).
 */
final class LuksJson {
    private final String s;
    private int p;

    private LuksJson(String s) {
        this.s = s;
    }

    /** Parses one JSON value filling {@code s} (trailing whitespace allowed). */
    static Object parse(String s) {
        LuksJson j = new LuksJson(s);
        Object v = j.value(0);
        j.ws();
        if (j.p != s.length()) {
            throw j.fail("trailing data");
        }
        return v;
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("LUKS2 JSON: " + what + " at offset " + p);
    }

    private void ws() {
        while (p < s.length() && " \t\r\n".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
    }

    private Object value(int depth) {
        if (depth > 64) {
            throw fail("nesting too deep");
        }
        ws();
        if (p >= s.length()) {
            throw fail("unexpected end");
        }
        char c = s.charAt(p);
        switch (c) {
            case '{' -> {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (peek('}')) {
                    return m;
                }
                do {
                    ws();
                    if (p >= s.length() || s.charAt(p) != '"') {
                        throw fail("object key expected");
                    }
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value(depth + 1));
                    ws();
                } while (peek(','));
                expect('}');
                return m;
            }
            case '[' -> {
                p++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek(']')) {
                    return l;
                }
                do {
                    l.add(value(depth + 1));
                    ws();
                } while (peek(','));
                expect(']');
                return l;
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", p)) {
                    p += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", p)) {
                    p += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", p)) {
                    p += 4;
                    return null;
                }
                int st = p;
                if (p < s.length() && s.charAt(p) == '-') {
                    p++;
                }
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                if (p == st || (p == st + 1 && s.charAt(st) == '-')) {
                    throw fail("value expected");
                }
                try {
                    return Long.parseLong(s.substring(st, p));
                } catch (NumberFormatException e) {
                    throw fail("number out of range");
                }
            }
        }
    }

    private boolean peek(char c) {
        if (p < s.length() && s.charAt(p) == c) {
            p++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw fail("'" + c + "' expected");
        }
    }

    private String string() {
        p++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (p >= s.length()) {
                throw fail("unterminated string");
            }
            char c = s.charAt(p++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw fail("control character in string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (p >= s.length()) {
                throw fail("unterminated escape");
            }
            char e = s.charAt(p++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (p + 4 > s.length()) {
                        throw fail("short \\u escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    } catch (NumberFormatException x) {
                        throw fail("bad \\u escape");
                    }
                    p += 4;
                }
                default -> throw fail("bad escape");
            }
        }
    }

    /** obj[key] as a map, or an IllegalArgumentException naming the path. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String path) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("LUKS2 JSON: " + path + " is not an object");
    }

    static String str(Map<String, Object> m, String key, String path) {
        if (m.get(key) instanceof String v) {
            return v;
        }
        throw new IllegalArgumentException("LUKS2 JSON: " + path + "." + key + " is not a string");
    }

    static long num(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String t && t.matches("[0-9]{1,19}")) {
            return Long.parseLong(t);
        }
        throw new IllegalArgumentException("LUKS2 JSON: " + path + "." + key + " is not a number");
    }
}
