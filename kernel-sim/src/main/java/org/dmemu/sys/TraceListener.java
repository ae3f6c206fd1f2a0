package org.dmemu.sys;

/**
 * Who gets the teaching trace's steps: {@link TraceText} prints them as {@code --trace} lines,
 * the web view keeps them for its sequence diagram.
 *
 * <p>{@link #event} runs on the thread that took the step, inside the kernel: it must be quick
 * and must not call back into the kernel.
 *
 * <p>Differences from NetBSD: dmemu's own teaching aid.
 */
@FunctionalInterface
public interface TraceListener {
    void event(TraceEvent e);

    /** A listener that hands every step to {@code this}, then to {@code next}. */
    default TraceListener andThen(TraceListener next) {
        return e -> {
            event(e);
            next.event(e);
        };
    }
}
