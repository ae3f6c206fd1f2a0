package org.dmemu.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.dmemu.sys.TraceEvent;
import org.dmemu.sys.TraceListener;

/**
 * Taps the emulated kernel's teaching trace for the web view: a {@link TraceListener} that turns
 * each step into a {@link TraceStep} (function, depth, named values, text), kept in a ring of the
 * last {@code capacity} steps, and hands it on unchanged to the {@code --trace} listener when
 * there is one. Watchers (the page's event stream) wait for new steps with {@link #await}.
 *
 * <p>A request (one ioctl, one strategy call, one disk ioctl) starts at a step of depth 0; every
 * step carries the number of its request, so the page can draw one request at a time.
 *
 * <p>Steps caused by the page itself (its own {@code names}/{@code status}/{@code table}
 * requests) are not recorded: {@link #quietly} runs them with the tap muted on that thread
 * (steps are delivered on the thread that takes them).
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
public final class TraceTap implements TraceListener {
    private final TraceListener echo;
    private final int capacity;
    private final ArrayDeque<TraceStep> ring = new ArrayDeque<>();
    private final ThreadLocal<Boolean> muted = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private long seq;
    private long request;

    /**
     * @param echo     who also gets every step ({@code --trace}: the text on standard error), or null
     * @param capacity how many of the latest steps are kept for a page that connects later
     */
    public TraceTap(TraceListener echo, int capacity) {
        this.echo = echo;
        this.capacity = capacity;
    }

    @Override
    public void event(TraceEvent e) {
        if (muted.get()) {
            return;
        }
        if (echo != null) {
            echo.event(e);
        }
        String fn = e.function();
        String text = e.thread() + e.text();
        var values = e.values();
        synchronized (this) {
            if (e.depth() == 0) {
                request++;
            }
            ring.addLast(new TraceStep(++seq, request, e.depth(), fn, SourceMap.lane(fn), text, values));
            while (ring.size() > capacity) {
                ring.removeFirst();
            }
            notifyAll();
        }
    }

    /** Runs {@code action} on this thread with its trace steps left out of the view. */
    public <T> T quietly(Supplier<T> action) {
        boolean was = muted.get();
        muted.set(Boolean.TRUE);
        try {
            return action.get();
        } finally {
            muted.set(was);
        }
    }

    /** The kept steps numbered above {@code after}, oldest first. */
    public synchronized List<TraceStep> since(long after) {
        List<TraceStep> out = new ArrayList<>();
        for (TraceStep e : ring) {
            if (e.seq() > after) {
                out.add(e);
            }
        }
        return out;
    }

    /** The number of the latest step (0 before the first). */
    public synchronized long latest() {
        return seq;
    }

    /**
     * Waits until a step numbered above {@code after} exists or {@code millis} pass.
     *
     * @return the steps numbered above {@code after} (empty on time-out)
     */
    public synchronized List<TraceStep> await(long after, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (seq <= after) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        return since(after);
    }
}
