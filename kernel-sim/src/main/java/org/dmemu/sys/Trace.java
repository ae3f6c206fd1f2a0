package org.dmemu.sys;

/**
 * The teaching trace: a stream of structured steps ({@link TraceEvent}), one per step of an
 * ioctl or a strategy call, each named after the NetBSD function being emulated and carrying
 * its call depth and named values (see docs/trace.md). The kernel emits them at fixed
 * {@link TracePoint}s; listeners render them: {@link TraceText} as the {@code --trace} lines,
 * the web view as its sequence diagram.
 *
 * <p>Cost when nobody listens: every emitter holds a {@code final Trace} field that is null
 * when there is no listener and tests it before passing any value, so an untraced kernel pays
 * one predictable branch per step and allocates nothing.
 *
 * <p>Differences from NetBSD: dmemu's own teaching aid; NetBSD has aprint_debug lines instead.
 */
public final class Trace {
    private final TraceListener listener;
    /** A label for every step a thread takes (background workers: {@code "[kmirrord] "}). */
    private static final ThreadLocal<String> THREAD_PREFIX = new ThreadLocal<>();
    /** Extra depth of the calling thread (a stacked dm device's strategy runs inside another's). */
    private final ThreadLocal<int[]> shift = ThreadLocal.withInitial(() -> new int[1]);

    public Trace(TraceListener listener) {
        this.listener = listener;
    }

    /**
     * Labels every step the calling thread takes from now on (a background thread of a target,
     * such as the mirror resync, so that a learner can tell its steps from the caller's).
     */
    public static void setThreadPrefix(String prefix) {
        THREAD_PREFIX.set(prefix);
    }

    /** Adds {@code delta} to the calling thread's depth (and takes it away again with -delta). */
    public void shift(int delta) {
        shift.get()[0] += delta;
    }

    /**
     * Emits the step {@code point} at {@code depth} (plus the thread's shift) with
     * {@code values}, in the order of the point's names.
     *
     * @throws IllegalArgumentException if the number of values is not the point's arity
     */
    public void emit(int depth, TracePoint point, Object... values) {
        if (values.length != point.arity()) {
            throw new IllegalArgumentException("trace point " + point.function() + " takes " + point.arity()
                    + " values " + point.names() + ", got " + values.length);
        }
        String prefix = THREAD_PREFIX.get();
        listener.event(new TraceEvent(prefix == null ? "" : prefix, depth + shift.get()[0], point, values));
    }
}
