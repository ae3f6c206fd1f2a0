package org.dmemu.sys;

import java.io.PrintStream;

/**
 * The teaching trace: one line per step of an ioctl or a strategy call, indented by call
 * depth and named after the NetBSD function being emulated (see docs/trace.md).
 *
 * <p>Cost when off: every caller holds a {@code final Trace} field that is null when tracing
 * is off and tests it before building any string, so an untraced kernel pays one
 * predictable branch per step and allocates nothing.
 *
 * <p>Differences from NetBSD: dmemu's own teaching aid; NetBSD has aprint_debug lines instead.
 */
public final class Trace {
    private final PrintStream out;
    /** Extra depth of the calling thread (a stacked dm device's strategy runs inside another's). */
    private final ThreadLocal<int[]> shift = ThreadLocal.withInitial(() -> new int[1]);

    public Trace(PrintStream out) {
        this.out = out;
    }

    /** Adds {@code delta} to the calling thread's indentation (and takes it away again with -delta). */
    public void shift(int delta) {
        shift.get()[0] += delta;
    }

    /** Prints {@code text} indented by {@code depth} levels (two spaces each), plus the thread's shift. */
    public void line(int depth, String text) {
        int d = depth + shift.get()[0];
        StringBuilder sb = new StringBuilder(d * 2 + text.length());
        for (int i = 0; i < d; i++) {
            sb.append("  ");
        }
        sb.append(text);
        synchronized (out) {
            out.println(sb);
            out.flush();
        }
    }
}
