package org.dmemu.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import org.dmemu.kern.DiskHandle;

/**
 * One NBD client, from accept to close. The work is split by concern:
 * <ul>
 *   <li>{@link NbdInput}: the read-ahead buffer over the socket (handshake and requests);
 *   <li>{@link NbdHandshake}: the fixed-newstyle greeting and the option haggling, which chooses
 *       the export;
 *   <li>{@link NbdTransmission}: the request reader, the worker threads, FLUSH ordering;
 *   <li>{@link NbdCommands}: each command checked and served through the strategy routine
 *       ({@code physio(9)}-style transfers);
 *   <li>{@link NbdReplies}: preparing replies in the request slots ({@link NbdRequest}) and
 *       sending them.
 * </ul>
 * This class runs the two phases and ends the connection: {@code NBD_CMD_DISC}, the end of the
 * input and a broken connection all stop the reading; the requests in flight finish (and are
 * answered while the socket works), then the device is synced (when the connection wrote to it)
 * and closed.
 *
 * <p>Differences from NetBSD: NetBSD has no NBD server; this is the emulator's window onto its
 * disks (see {@link NbdCommands} for how commands map to the kernel).
 */
final class NbdConnection implements Runnable {
    /** {@code MAXPHYS} on amd64: the largest single transfer physio hands to a strategy routine. */
    static final int MAXPHYS = 64 * 1024;
    /** Worker threads per connection (requests served at once). */
    static final int WORKERS = 4;

    private final SocketChannel ch;
    private final NbdExports exports;
    private final NbdServer server;

    NbdConnection(SocketChannel ch, NbdExports exports, NbdServer server) {
        this.ch = ch;
        this.exports = exports;
        this.server = server;
    }

    @Override
    public void run() {
        NbdHandshake handshake = null;
        NbdTransmission transmission = null;
        try {
            if (ch.getLocalAddress() instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            NbdInput input = new NbdInput(ch);
            handshake = new NbdHandshake(ch, input, exports, server.discard());
            if (handshake.run()) {
                server.transmissionStarted(this);
                transmission = new NbdTransmission(ch, input, server, handshake.session());
                transmission.run();
            }
        } catch (IOException e) {
            // The client went away or broke the protocol: the connection ends, the server lives.
        } catch (RuntimeException | Error e) {
            // A bug or no memory left: one log line, the connection ends, the server lives.
            server.connectionFailed(e);
        } finally {
            if (transmission != null) {
                transmission.stopWorkers();
            }
            DiskHandle disk = handshake == null ? null : handshake.disk();
            if (disk != null) {
                if (transmission != null && transmission.wrote()) {
                    disk.cacheSync();
                }
                disk.close();
            }
            closeChannel();
            server.connectionDone(this);
        }
    }

    /** Stops reading further requests; the requests being served still get their replies. */
    void shutdownInput() {
        try {
            ch.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void closeChannel() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
