package org.dmemu.conform;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts given as lines ({@code diff -u} format: {@code ---}/{@code +++}
 * headers, {@code @@ -a,b +c,d @@} hunks with 3 lines of context), applicable with
 * {@code patch}.
 *
 * <p>The edit script: the common prefix and suffix are kept; the middle is compared by longest
 * common subsequence when it is at most {@link #LCS_LIMIT} lines on each side, and otherwise
 * shown as removed and added in full (a correct, not minimal, diff).
 */
public final class UnifiedDiff {
    /** Lines of context around each change. */
    public static final int CONTEXT = 3;
    /** Largest middle part compared line by line (the LCS table is its square). */
    static final int LCS_LIMIT = 2000;

    private UnifiedDiff() {
    }

    private record Op(char kind, String line) {
    }

    /**
     * The diff from {@code a} (labelled {@code aName}) to {@code b}; empty if they are equal.
     * A last line without its newline is marked {@code \ No newline at end of file}.
     */
    public static String diff(String aName, String a, String bName, String b) {
        if (a.equals(b)) {
            return "";
        }
        List<String> x = lines(a);
        List<String> y = lines(b);
        List<Op> ops = script(x, y);
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(aName).append('\n');
        sb.append("+++ ").append(bName).append('\n');
        int i = 0;
        int n = ops.size();
        // position counters (1-based line numbers of the next line in a and b)
        int[] aLine = new int[n + 1];
        int[] bLine = new int[n + 1];
        int al = 1;
        int bl = 1;
        for (int k = 0; k < n; k++) {
            aLine[k] = al;
            bLine[k] = bl;
            char c = ops.get(k).kind;
            if (c != '+') {
                al++;
            }
            if (c != '-') {
                bl++;
            }
        }
        aLine[n] = al;
        bLine[n] = bl;
        while (i < n) {
            while (i < n && ops.get(i).kind == ' ') {
                i++;
            }
            if (i == n) {
                break;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // extend over changes separated by at most 2*CONTEXT unchanged lines
            int k = i;
            while (k < n) {
                if (ops.get(k).kind != ' ') {
                    end = k + 1;
                    k++;
                    continue;
                }
                int run = k;
                while (run < n && ops.get(run).kind == ' ') {
                    run++;
                }
                if (run < n && run - k <= 2 * CONTEXT) {
                    k = run;
                    continue;
                }
                break;
            }
            int stop = Math.min(n, end + CONTEXT);
            int aCount = 0;
            int bCount = 0;
            for (int j = start; j < stop; j++) {
                char c = ops.get(j).kind;
                if (c != '+') {
                    aCount++;
                }
                if (c != '-') {
                    bCount++;
                }
            }
            sb.append("@@ -").append(range(aLine[start], aCount)).append(" +").append(range(bLine[start], bCount))
                    .append(" @@\n");
            for (int j = start; j < stop; j++) {
                Op op = ops.get(j);
                sb.append(op.kind).append(op.line.endsWith("\n") ? op.line : op.line + "\n\\ No newline at end of file\n");
            }
            i = stop;
        }
        return sb.toString();
    }

    /** {@code start,count}; an empty range names the line before it, as diff does. */
    private static String range(int start, int count) {
        if (count == 0) {
            return (start - 1) + ",0";
        }
        return count == 1 ? Integer.toString(start) : start + "," + count;
    }

    /** The text split after each newline (the last line may lack one). */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            int nl = s.indexOf('\n', p);
            int e = nl < 0 ? s.length() : nl + 1;
            out.add(s.substring(p, e));
            p = e;
        }
        return out;
    }

    private static List<Op> script(List<String> x, List<String> y) {
        int pre = 0;
        while (pre < x.size() && pre < y.size() && x.get(pre).equals(y.get(pre))) {
            pre++;
        }
        int suf = 0;
        while (suf < x.size() - pre && suf < y.size() - pre
                && x.get(x.size() - 1 - suf).equals(y.get(y.size() - 1 - suf))) {
            suf++;
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < pre; i++) {
            ops.add(new Op(' ', x.get(i)));
        }
        List<String> mx = x.subList(pre, x.size() - suf);
        List<String> my = y.subList(pre, y.size() - suf);
        if (mx.size() <= LCS_LIMIT && my.size() <= LCS_LIMIT) {
            lcs(mx, my, ops);
        } else {
            mx.forEach(l -> ops.add(new Op('-', l)));
            my.forEach(l -> ops.add(new Op('+', l)));
        }
        for (int i = x.size() - suf; i < x.size(); i++) {
            ops.add(new Op(' ', x.get(i)));
        }
        return ops;
    }

    private static void lcs(List<String> x, List<String> y, List<Op> ops) {
        int n = x.size();
        int m = y.size();
        int[][] t = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                t[i][j] = x.get(i).equals(y.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x.get(i).equals(y.get(j))) {
                ops.add(new Op(' ', x.get(i++)));
                j++;
            } else if (i < n && (j == m || t[i + 1][j] >= t[i][j + 1])) {
                ops.add(new Op('-', x.get(i++)));
            } else {
                ops.add(new Op('+', y.get(j++)));
            }
        }
    }
}
