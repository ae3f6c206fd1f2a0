package org.dmemu.sys;

import java.io.PrintStream;

/**
 * The {@code --trace} text: one line per step, indented two spaces per call depth, flushed at
 * once so that the lines interleave correctly with a client's own output (docs/trace.md).
 *
 * <p>Differences from NetBSD: dmemu's own teaching aid; NetBSD has aprint_debug lines instead.
 */
public final class TraceText implements TraceListener {
    private final PrintStream out;

    public TraceText(PrintStream out) {
        this.out = out;
    }

    @Override
    public void event(TraceEvent e) {
        String line = e.line();
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
