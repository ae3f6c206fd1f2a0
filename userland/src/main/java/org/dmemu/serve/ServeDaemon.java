package org.dmemu.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.dmemu.conform.ControlTap;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;

/**
 * A running {@code dmemu serve}: one booted {@link Kernel}, its control socket
 * ({@link ControlServer}), its NBD listeners ({@link NbdServer}): always an owner-only Unix
 * socket, and TCP only when asked for; and the block-I/O socket of {@code dmemu exec}
 * ({@link BlockIoServer}).
 *
 * <p>{@link #close()} is the clean stop: no new connections, every request being served is
 * answered, the disks are flushed, then the kernel is closed.
 *
 * <p>Differences from NetBSD: the "machine" is this process; {@code /dev/mapper/control} is a
 * socket and the dm disks are NBD exports. Like a NetBSD reboot, a restart forgets every dm
 * device (they live in the kernel's memory); the disk images keep their data.
 */
public final class ServeDaemon implements AutoCloseable {
    /** {@code NETBSD_DM_IOCTL} on LP64: {@code _IOWR(0xfd, 0, struct plistref)}. */
    public static final long NETBSD_DM_IOCTL = 0xC010FD00L;
    /** The control node whose ioctls the socket carries. */
    public static final String CONTROL_NODE = "/dev/mapper/control";

    private final Kernel kernel;
    private final ControlServer control;
    private final NbdServer nbd;
    private final NbdServer nbdTcp;
    private final BlockIoServer blockIo; // dmemu exec's block-I/O socket (BlockIoProto)
    private boolean closed;

    private ServeDaemon(Kernel kernel, ControlServer control, NbdServer nbd, NbdServer nbdTcp, BlockIoServer blockIo) {
        this.kernel = kernel;
        this.control = control;
        this.nbd = nbd;
        this.nbdTcp = nbdTcp;
        this.blockIo = blockIo;
    }

    /**
     * Boots the kernel and opens the listeners: the control socket, the NBD socket
     * {@code nbdSocket}, and NBD over TCP on {@code tcp} when it is not null (bound by the
     * caller, so that a taken port is reported before anything is created). On failure
     * everything started so far is stopped again (and {@code tcp} closed).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, Path nbdSocket, ServerSocketChannel tcp,
            PrintStream log) throws IOException {
        return start(config, controlPath, nbdSocket, tcp, true, log);
    }

    /** As above; {@code discard} false is {@code serve --no-discard}. */
    public static ServeDaemon start(KernelConfig config, Path controlPath, Path nbdSocket, ServerSocketChannel tcp,
            boolean discard, PrintStream log) throws IOException {
        return start(config, controlPath, nbdSocket, tcp, discard, null, log);
    }

    /**
     * As above, every control request also going through {@code tap} first ({@code --record},
     * {@code --lint}; null: none).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, Path nbdSocket, ServerSocketChannel tcp,
            boolean discard, ControlTap tap, PrintStream log) throws IOException {
        List<AutoCloseable> started = new ArrayList<>();
        if (tcp != null) {
            started.add(tcp);
        }
        try {
            UnixSockets.removeStale(controlPath.toAbsolutePath()); // before the images are opened
            UnixSockets.removeStale(nbdSocket.toAbsolutePath());
            Kernel kernel = Kernel.boot(config);
            started.add(kernel);
            // The daemon's stderr is the machine's console: kernel messages (dm's component-offset
            // report, disk I/O errors) appear there as they are logged.
            kernel.deviceMapper().setConsole(line -> log.println("dmemu serve: kernel: " + line));
            // last closes of exec'd programs' disk nodes are applied before each control request
            AtomicReference<BlockIoServer> bio = new AtomicReference<>();
            ControlServer control = new ControlServer(controlPath, new ControlHandler() {
                @Override
                public IoctlResult ioctl(long cmd, byte[] plist) {
                    return ioctl(cmd, plist, "a client");
                }

                @Override
                public IoctlResult ioctl(long cmd, byte[] plist, String client) {
                    BlockIoServer b = bio.get();
                    if (b != null) {
                        b.reapClosed();
                    }
                    return tap == null ? kernel.ioctl(CONTROL_NODE, cmd, plist, plist.length)
                            : tap.ioctl(kernel, cmd, plist, client);
                }
            }, ControlServer.Limits.DEFAULT, log);
            started.add(control);
            KernelExports exports = new KernelExports(kernel);
            NbdServer nbd = new NbdServer(UnixSockets.bindOwnerOnly(nbdSocket.toAbsolutePath()),
                    nbdSocket.toAbsolutePath(), exports, NbdServer.Limits.DEFAULT, discard, log);
            started.add(nbd);
            NbdServer nbdTcp = tcp == null ? null : NbdServer.tcp(tcp, exports, discard, log);
            if (nbdTcp != null) {
                started.add(nbdTcp);
            }
            BlockIoServer blockIo = new BlockIoServer(BlockIoServer.pathFor(control.path()), kernel);
            bio.set(blockIo);
            return new ServeDaemon(kernel, control, nbd, nbdTcp, blockIo);
        } catch (IOException | RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception ignored) {
                    // stopping what was started; the first failure is the one reported
                }
            }
            throw e;
        }
    }

    /**
     * The daemon with NBD over TCP on {@code nbdBind:nbdPort} (0 = ephemeral) as well as on
     * {@code nbd.sock} beside the control socket; logs to stderr (tests).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, InetAddress nbdBind, int nbdPort)
            throws IOException {
        return start(config, controlPath, nbdBind, nbdPort, true);
    }

    /**
     * As {@link #start(KernelConfig, Path, InetAddress, int)}, every control request also going
     * through {@code tap} first ({@code --record}, {@code --lint}; null: none).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, InetAddress nbdBind, int nbdPort,
            ControlTap tap) throws IOException {
        ServerSocketChannel tcp = NbdServer.bindTcp(new InetSocketAddress(nbdBind, nbdPort));
        return start(config, controlPath, controlPath.toAbsolutePath().resolveSibling("nbd.sock"), tcp, true, tap,
                System.err);
    }

    /**
     * As {@link #start(KernelConfig, Path, InetAddress, int)}; {@code discard} false is
     * {@code serve --no-discard} (no NBD trim, write-zeroes never punch holes).
     */
    public static ServeDaemon start(KernelConfig config, Path controlPath, InetAddress nbdBind, int nbdPort,
            boolean discard) throws IOException {
        ServerSocketChannel tcp = NbdServer.bindTcp(new InetSocketAddress(nbdBind, nbdPort));
        return start(config, controlPath, controlPath.toAbsolutePath().resolveSibling("nbd.sock"), tcp, discard,
                System.err);
    }

    /** Data bytes sent in answer to NBD reads, over both listeners ({@link NbdServer#bytesRead()}). */
    long nbdBytesRead() {
        return nbd.bytesRead() + (nbdTcp == null ? 0 : nbdTcp.bytesRead());
    }

    public Kernel kernel() {
        return kernel;
    }

    public Path controlPath() {
        return control.path();
    }

    /** The block-I/O socket of {@code dmemu exec}. */
    public Path blockIoPath() {
        return blockIo.path();
    }

    /** The NBD Unix socket. */
    public Path nbdSocket() {
        return nbd.socketPath();
    }

    /** The NBD TCP address, or null when NBD is served on the Unix socket only. */
    public InetSocketAddress nbdAddress() {
        return nbdTcp == null ? null : nbdTcp.tcpAddress();
    }

    /** The libnbd/qemu URI of the export {@code name} ("" for the list) on the Unix socket. */
    public String nbdUri(String name) {
        return "nbd+unix:///" + name + "?socket=" + nbdSocket();
    }

    /** Prints one line per listener. */
    public void describe(PrintStream out) {
        out.println("dmemu serve: control socket " + controlPath());
        out.println("dmemu serve: nbd " + nbdUri("") + " (exports: every dm device with an active table, by name)");
        if (nbdTcp != null) {
            out.println("dmemu serve: nbd nbd://" + nbdTcp.where() + "/ (TCP; unauthenticated: anyone who can reach it"
                    + " reads and writes the disks)");
        }
        out.println("dmemu serve: block-I/O socket " + blockIoPath() + " (for 'dmemu exec')");
    }

    /** The clean stop; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nbdTcp != null) {
            nbdTcp.close();
        }
        nbd.close();
        control.close();
        blockIo.close();
        kernel.close();
    }
}
