package org.dmemu.conform;

import java.io.IOException;
import java.io.PrintStream;

import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;

/**
 * What a front end puts between its clients and {@code ioctl} on {@code /dev/mapper/control}:
 * the recorder ({@code serve --record}) and the lint ({@code --lint}), either of them optional.
 * Requests are recorded before the kernel runs them.
 */
public final class ControlTap {
    private final ReplayRecorder recorder;
    private final PrintStream err;
    private volatile boolean recordFailed;

    /**
     * @param recorder where requests are recorded, or null
     * @param err      where warnings go (a failing recorder, lint lines)
     */
    public ControlTap(ReplayRecorder recorder, PrintStream err) {
        this.recorder = recorder;
        this.err = err;
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
        return k.ioctl(Kernel.CONTROL, cmd, plist, plist.length);
    }
}
