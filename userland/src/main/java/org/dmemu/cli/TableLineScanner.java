package org.dmemu.cli;

/**
 * {@code sscanf(line, "%llu %llu %s %n", &start, &length, target, &len)} as dmctl uses it
 * on each table line, with C's rules: each {@code %llu} skips white space and reads an optional
 * sign and decimal digits with {@code strtoull} semantics (a {@code -} negates modulo 2^64,
 * overflow saturates to 2^64−1); {@code %s} reads a run of non-space characters; the final
 * space skips white space; {@code %n} records where the params begin.
 *
 * <p>The variables keep their previous values when a conversion fails (they are reused from
 * line to line as dmctl's locals are); the params of a line that fails are empty.
 */
final class TableLineScanner {
    long start;
    long length;
    String target = "";
    String params = "";

    void scan(String line) {
        int[] pos = {0};
        long[] v = new long[1];
        params = "";
        if (!number(line, pos, v)) {
            return;
        }
        start = v[0];
        if (!number(line, pos, v)) {
            return;
        }
        length = v[0];
        skipSpace(line, pos);
        int b = pos[0];
        while (pos[0] < line.length() && !isSpace(line.charAt(pos[0]))) {
            pos[0]++;
        }
        if (pos[0] == b) {
            return;
        }
        target = line.substring(b, pos[0]);
        skipSpace(line, pos);
        params = line.substring(pos[0]);
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && isSpace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    private static boolean number(String s, int[] pos, long[] out) {
        skipSpace(s, pos);
        int p = pos[0];
        boolean neg = false;
        if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            neg = s.charAt(p) == '-';
            p++;
        }
        int digits = p;
        long v = 0;
        boolean overflow = false;
        while (p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            int d = s.charAt(p) - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            v = v * 10 + d;
            p++;
        }
        if (p == digits) {
            return false;
        }
        pos[0] = p;
        out[0] = overflow ? -1L : (neg ? -v : v);
        return true;
    }
}
