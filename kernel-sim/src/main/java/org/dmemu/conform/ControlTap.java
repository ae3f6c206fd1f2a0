package org.dmemu.conform;

import java.io.IOException;
import java.io.PrintStream;

import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;

/**
 * What a front end puts between its clients and {@code ioctl} on {@code /dev/mapper/control}:
 * the recorder ({@code serve --record}) and the lint ({@code --lint}), either of them optional.
 * Requests are recorded before the kernel runs them; lint warnings name the request by its
 * number in this daemon's life and its client.
 */
public final class ControlTap {
    private final ReplayRecorder recorder;
    private final boolean lint;
    private final PrintStream err;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    private volatile Lint linter;
    private volatile boolean recordFailed;

    /**
     * @param recorder where requests are recorded, or null
     * @param lint     whether {@code --lint} warnings are printed
     * @param err      where warnings go (a failing recorder, lint lines)
     */
    public ControlTap(ReplayRecorder recorder, boolean lint, PrintStream err) {
        this.recorder = recorder;
        this.lint = lint;
        this.err = err;
    }

    /** Without lint. */
    public ControlTap(ReplayRecorder recorder, PrintStream err) {
        this(recorder, false, err);
    }

    /** {@code ioctl(control, cmd, &pref)} from {@code client}, with {@code plist} as pref_plist's bytes. */
    public IoctlResult ioctl(Kernel k, long cmd, byte[] plist, String client) {
        if (recorder != null && !recordFailed) {
            try {
                recorder.record(cmd, plist, plist.length, client);
            } catch (IOException e) {
                recordFailed = true;
                err.println("dmemu: --record: " + e.getMessage() + " (recording stopped)");
            }
        }
        long n = requests.incrementAndGet();
        if (!lint) {
            return k.ioctl(Kernel.CONTROL, cmd, plist, plist.length);
        }
        Lint l = linter;
        if (l == null) {
            synchronized (this) {
                if (linter == null) {
                    linter = new Lint(k, err);
                }
                l = linter;
            }
        }
        return l.ioctl(cmd, plist, "request " + n + " from " + client);
    }
}
