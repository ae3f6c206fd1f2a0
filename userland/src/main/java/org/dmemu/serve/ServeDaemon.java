package org.dmemu.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;

/**
 * A running {@code dmemu serve}: one booted {@link Kernel}, its control socket
 * ({@link ControlServer}) and its NBD listener ({@link NbdServer}).
 *
 * <p>{@link #close()} is the clean stop: no new connections, every request being served is
 * answered, the disks are flushed, then the kernel is closed.
 *
 * <p>Differences from NetBSD: the "machine" is this process; {@code /dev/mapper/control} is a
 * socket and the dm disks are NBD exports.
 */
public final class ServeDaemon implements AutoCloseable {
    /** {@code NETBSD_DM_IOCTL} on LP64: {@code _IOWR(0xfd, 0, struct plistref)}. */
    public static final long NETBSD_DM_IOCTL = 0xC010FD00L;
    /** The control node whose ioctls the socket carries. */
    public static final String CONTROL_NODE = "/dev/mapper/control";

    private final Kernel kernel;
    private final ControlServer control;
    private final NbdServer nbd;
    private boolean closed;

    private ServeDaemon(Kernel kernel, ControlServer control, NbdServer nbd) {
        this.kernel = kernel;
        this.control = control;
        this.nbd = nbd;
    }

    /**
     * Boots the kernel and opens both listeners ({@code nbdPort} 0 = ephemeral). On failure
     * everything started so far is stopped again.
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, InetAddress nbdBind, int nbdPort)
            throws IOException {
        return start(config, controlPath, nbdBind, nbdPort, true);
    }

    /**
     * As {@link #start(KernelConfig, Path, InetAddress, int)}; {@code discard} false is
     * {@code serve --no-discard} (no NBD trim, write-zeroes never punch holes).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, InetAddress nbdBind, int nbdPort,
            boolean discard) throws IOException {
        ControlServer.removeStale(controlPath.toAbsolutePath()); // before the images are opened
        Kernel kernel = Kernel.boot(config);
        ControlServer control = null;
        try {
            control = new ControlServer(controlPath,
                    (cmd, plist) -> kernel.ioctl(CONTROL_NODE, cmd, plist, plist.length));
            NbdServer nbd = new NbdServer(nbdBind, nbdPort, new KernelExports(kernel), discard);
            return new ServeDaemon(kernel, control, nbd);
        } catch (IOException | RuntimeException e) {
            if (control != null) {
                control.close();
            }
            kernel.close();
            throw e;
        }
    }

    /** The NBD listener (its statistics: {@link NbdServer#bytesRead()}). */
    NbdServer nbdServer() {
        return nbd;
    }

    public Kernel kernel() {
        return kernel;
    }

    public Path controlPath() {
        return control.path();
    }

    public InetSocketAddress nbdAddress() {
        return nbd.address();
    }

    /** Prints one line per listener. */
    public void describe(PrintStream out) {
        out.println("dmemu serve: control socket " + controlPath());
        InetSocketAddress a = nbdAddress();
        out.println("dmemu serve: nbd " + a.getAddress().getHostAddress() + ":" + a.getPort()
                + " (exports: every dm device with an active table, by name)");
    }

    /** The clean stop; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        nbd.close();
        control.close();
        kernel.close();
    }
}
