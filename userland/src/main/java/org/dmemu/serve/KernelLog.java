package org.dmemu.serve;

import java.io.PrintStream;
import java.util.List;
import org.dmemu.kern.Kernel;

/**
 * The daemon's console: prints the kernel's new log lines ({@code dmesg}), such as dm's
 * component-offset report, on the daemon's log as {@code dmemu serve: kernel: LINE}, after each
 * control request. So the user who loads a table whose component covers a disklabel sector reads
 * why writes there will fail with EROFS, as a NetBSD console would show a driver's message.
 *
 * <p>Differences from NetBSD: NetBSD's dm(4) prints no such report (see
 * {@code DmLabelAreaCheck}).
 */
final class KernelLog {
    private final Kernel kernel;
    private final PrintStream log;
    private int printed;

    KernelLog(Kernel kernel, PrintStream log) {
        this.kernel = kernel;
        this.log = log;
        this.printed = kernel.dmesg().size();
    }

    /** Prints the lines logged since the last call. */
    synchronized void drain() {
        List<String> lines = kernel.dmesg();
        for (int i = printed; i < lines.size(); i++) {
            log.println("dmemu serve: kernel: " + lines.get(i));
        }
        printed = Math.max(printed, lines.size());
    }
}
