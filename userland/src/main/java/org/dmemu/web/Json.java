package org.dmemu.web;

/**
 * A minimal JSON writer for the web view's API: objects, arrays, strings, numbers, booleans.
 * Keys and values are appended in call order; the caller keeps the nesting balanced.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid; NetBSD has no such page).
 */
final class Json {
    private final StringBuilder sb = new StringBuilder(256);
    /** Whether the next value at the current nesting level needs a comma before it. */
    private boolean comma;

    Json beginObject() {
        sep();
        sb.append('{');
        comma = false;
        return this;
    }

    Json endObject() {
        sb.append('}');
        comma = true;
        return this;
    }

    Json beginArray() {
        sep();
        sb.append('[');
        comma = false;
        return this;
    }

    Json endArray() {
        sb.append(']');
        comma = true;
        return this;
    }

    /** A key inside an object; the next call writes its value. */
    Json key(String k) {
        sep();
        string(k);
        sb.append(':');
        comma = false;
        return this;
    }

    Json value(String s) {
        sep();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        comma = true;
        return this;
    }

    Json value(long n) {
        sep();
        sb.append(n);
        comma = true;
        return this;
    }

    Json value(boolean b) {
        sep();
        sb.append(b);
        comma = true;
        return this;
    }

    Json field(String k, String v) {
        return key(k).value(v);
    }

    Json field(String k, long v) {
        return key(k).value(v);
    }

    Json field(String k, boolean v) {
        return key(k).value(v);
    }

    private void sep() {
        if (comma) {
            sb.append(',');
            comma = false;
        }
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
