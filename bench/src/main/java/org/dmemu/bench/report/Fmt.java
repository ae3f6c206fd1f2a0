package org.dmemu.bench.report;

import java.util.Locale;

/** Number formatting for the report: sizes, rates, ratios. */
final class Fmt {
    private Fmt() {
    }

    /** 512 → "512 B", 4096 → "4 KiB", 1048576 → "1 MiB". */
    static String bytes(double v) {
        if (v >= 1 << 30 && v % (1 << 30) == 0) {
            return (long) (v / (1 << 30)) + " GiB";
        }
        if (v >= 1 << 20 && v % (1 << 20) == 0) {
            return (long) (v / (1 << 20)) + " MiB";
        }
        if (v >= 1 << 10 && v % (1 << 10) == 0) {
            return (long) (v / (1 << 10)) + " KiB";
        }
        return (long) v + " B";
    }

    /** Three significant digits with an SI suffix: 1234567 → "1.23 M". */
    static String si(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        String[] suffix = {"", " k", " M", " G", " T"};
        int k = 0;
        double a = Math.abs(v);
        while (a >= 999.5 && k < suffix.length - 1) {
            a /= 1000;
            v /= 1000;
            k++;
        }
        return sig3(v) + suffix[k];
    }

    /** Three significant digits, no suffix. */
    static String sig3(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
        return String.format(Locale.ROOT, f, v);
    }

    /** A ratio: "0.93x", or "–" when not measured. */
    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "–" : sig3(r) + "x";
    }

    /** Score ± error, both in SI form; the error is left out when JMH gave none. */
    static String score(double score, double error) {
        return Double.isNaN(error) ? si(score) : si(score) + " ± " + si(error);
    }
}
