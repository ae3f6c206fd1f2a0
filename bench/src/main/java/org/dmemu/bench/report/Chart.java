package org.dmemu.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A small SVG line chart with logarithmic axes: throughput (MiB/s) against transfer size, one
 * line per series. Written by hand so the bench module needs no plotting library.
 */
public final class Chart {
    /** One line: a name for the legend and its points (x = bytes, y = MiB/s), in x order. */
    public record Series(String name, List<double[]> points, boolean baseline) {
        public Series {
            points = List.copyOf(points);
        }
    }

    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    };
    private static final int W = 760;
    private static final int H = 440;
    private static final int LEFT = 80;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private Chart() {
    }

    /** The chart as a standalone SVG document; series without positive points are left out. */
    public static String svg(String title, List<Series> series) {
        double xmin = Double.MAX_VALUE, xmax = 0, ymin = Double.MAX_VALUE, ymax = 0;
        // The x axis labels the measured sizes only (every power of two gets a grid line).
        java.util.Set<Double> labels = new java.util.HashSet<>();
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (p[0] > 0 && p[1] > 0 && Double.isFinite(p[1])) {
                    labels.add(p[0]);
                    xmin = Math.min(xmin, p[0]);
                    xmax = Math.max(xmax, p[0]);
                    ymin = Math.min(ymin, p[1]);
                    ymax = Math.max(ymax, p[1]);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
                LEFT, esc(title)));
        if (xmax == 0) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text>\n", LEFT, H / 2));
            return b.append("</svg>\n").toString();
        }
        double lx0 = log2(xmin), lx1 = Math.max(log2(xmax), lx0 + 1);
        double ly0 = Math.floor(Math.log10(ymin)), ly1 = Math.ceil(Math.log10(ymax));
        if (ly1 <= ly0) {
            ly1 = ly0 + 1;
        }
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        // Axes and grid.
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
                LEFT, TOP, pw, ph));
        // Decades, plus 2x and 5x steps when the axis spans at most two decades.
        double[] steps = ly1 - ly0 <= 2 ? new double[] {1, 2, 5} : new double[] {1};
        for (double d = ly0; d <= ly1 + 1e-9; d++) {
            for (double m : steps) {
                double v = d + Math.log10(m);
                if (v > ly1 + 1e-9) {
                    break;
                }
                double y = TOP + ph - (v - ly0) / (ly1 - ly0) * ph;
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                        LEFT, y, LEFT + pw, y, m == 1 ? "#ddd" : "#f0f0f0"));
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                        LEFT - 6, y + 4, esc(decade(d, m))));
            }
        }
        for (double e = Math.ceil(lx0); e <= lx1 + 1e-9; e++) {
            double x = LEFT + (e - lx0) / (lx1 - lx0) * pw;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>\n",
                    x, TOP, x, TOP + ph));
            if (labels.contains(Math.pow(2, e)) || lx1 - lx0 <= 8) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                        x, TOP + ph + 18, esc(Fmt.bytes(Math.pow(2, e)))));
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">transfer size</text>\n",
                LEFT + pw / 2, H - 18));
        b.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">MiB/s (log)</text>\n",
                TOP + ph / 2, TOP + ph / 2));
        // Lines and legend.
        int k = 0;
        int ly = TOP + 10;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            String color = COLORS[k % COLORS.length];
            for (double[] p : s.points()) {
                if (!(p[0] > 0 && p[1] > 0 && Double.isFinite(p[1]))) {
                    continue;
                }
                double x = LEFT + (log2(p[0]) - lx0) / (lx1 - lx0) * pw;
                double y = TOP + ph - (Math.log10(p[1]) - ly0) / (ly1 - ly0) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x, y, color));
            }
            if (pts.length() == 0) {
                continue;
            }
            String dash = s.baseline() ? " stroke-dasharray=\"6 4\"" : "";
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>\n",
                    color, dash, pts.toString().trim()));
            b.append(dots);
            int lx = LEFT + pw + 14;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    lx, ly, lx + 24, ly, color, dash));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", lx + 30, ly + 4, esc(s.name())));
            ly += 20;
            k++;
        }
        return b.append("</svg>\n").toString();
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static String decade(double d, double m) {
        double v = m * Math.pow(10, d);
        if (v >= 1) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    /** Escapes text for an XML text node or attribute. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
