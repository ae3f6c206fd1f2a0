package org.dmemu.web;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Taps the emulated kernel's teaching trace for the web view: the kernel writes its
 * {@code --trace} lines to {@link #stream()}; each line becomes a {@link TraceEvent} kept in a
 * ring of the last {@code capacity} steps, and is echoed unchanged to the {@code --trace} stream
 * when there is one. Watchers (the page's event stream) wait for new steps with {@link #await}.
 *
 * <p>A request (one ioctl, one strategy call, one disk ioctl) starts at a line of depth 0; every
 * step carries the number of its request, so the page can draw one request at a time.
 *
 * <p>Steps caused by the page itself (its own {@code names}/{@code status}/{@code table}
 * requests) are not recorded: {@link #quietly} runs them with the tap muted on that thread.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
public final class TraceTap extends OutputStream {
    private final PrintStream echo;
    private final int capacity;
    private final ArrayDeque<TraceEvent> ring = new ArrayDeque<>();
    private final ThreadLocal<ByteArrayOutputStream> partial =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(128));
    private final ThreadLocal<Boolean> muted = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final PrintStream stream;
    private long seq;
    private long request;

    /**
     * @param echo     where the trace text also goes ({@code --trace}: standard error), or null
     * @param capacity how many of the latest steps are kept for a page that connects later
     */
    public TraceTap(PrintStream echo, int capacity) {
        this.echo = echo;
        this.capacity = capacity;
        this.stream = new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    /** The stream to boot the kernel with ({@code KernelConfig.trace}). */
    public PrintStream stream() {
        return stream;
    }

    @Override
    public void write(int b) {
        ByteArrayOutputStream line = partial.get();
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            record(text);
        } else {
            line.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void record(String line) {
        if (muted.get()) {
            return;
        }
        if (echo != null) {
            synchronized (echo) {
                echo.println(line);
                echo.flush();
            }
        }
        // a background thread's lines carry its label first ("[kmirrord] "): kept in the text,
        // skipped for the depth and the function
        String label = "";
        if (line.startsWith("[")) {
            int end = line.indexOf("] ");
            if (end > 0) {
                label = line.substring(0, end + 2);
                line = line.substring(end + 2);
            }
        }
        int spaces = 0;
        while (spaces < line.length() && line.charAt(spaces) == ' ') {
            spaces++;
        }
        String text = line.substring(spaces);
        if (text.isEmpty()) {
            return;
        }
        String fn = SourceMap.functionOf(text);
        synchronized (this) {
            int depth = spaces / 2;
            if (depth == 0) {
                request++;
            }
            ring.addLast(new TraceEvent(++seq, request, depth, fn, SourceMap.lane(fn), label + text));
            while (ring.size() > capacity) {
                ring.removeFirst();
            }
            notifyAll();
        }
    }

    /** Runs {@code action} on this thread with its trace steps left out of the view. */
    public <T> T quietly(java.util.function.Supplier<T> action) {
        boolean was = muted.get();
        muted.set(Boolean.TRUE);
        try {
            return action.get();
        } finally {
            muted.set(was);
        }
    }

    /** The kept steps numbered above {@code after}, oldest first. */
    public synchronized List<TraceEvent> since(long after) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : ring) {
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
    public synchronized List<TraceEvent> await(long after, long millis) throws InterruptedException {
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
