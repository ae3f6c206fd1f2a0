package org.dmemu.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Watches the connections that hold open files of the block-I/O socket: each one stands for
 * an open file description, and its end-of-file is the last {@code close} of the file
 * ({@code closef} → {@code vn_close} → the device's close routine). One selector thread serves
 * them all; {@link #checkClosed} lets a request see an end-of-file that is already queued, so
 * a close followed by another request (say, dm's {@code remove}) is ordered as on NetBSD.
 *
 * <p>Differences from NetBSD: none visible to the program.
 */
final class BlockIoLifetimes implements AutoCloseable {
    private final BlockIoServer server;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Object[]> pending = new ConcurrentLinkedQueue<>();
    private final Map<Long, SocketChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closing;

    BlockIoLifetimes(BlockIoServer server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "blockio-lifetimes");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Takes over {@code c}, the connection holding the open file {@code token}; called before
     * the open's reply is sent, so a close the client makes right after it is seen.
     */
    void watch(SocketChannel c, long token) throws IOException {
        c.configureBlocking(false);
        channels.put(token, c);
        pending.add(new Object[] {c, token});
        selector.wakeup();
    }

    /**
     * Whether the file {@code token} is closed now: if its connection has reached end-of-file
     * (or sent anything, which the protocol forbids), the file is closed here.
     */
    boolean checkClosed(long token) {
        SocketChannel c = channels.get(token);
        if (c == null) {
            return server.file(token) == null;
        }
        return poll(c, token);
    }

    /**
     * Closes every open file whose last descriptor is gone: a process that exited closed its
     * descriptors in the host kernel, which queued their end-of-file before its parent could
     * go on; NetBSD's exit closes them before that too.
     */
    void reapAll() {
        for (Map.Entry<Long, SocketChannel> e : channels.entrySet()) {
            poll(e.getValue(), e.getKey());
        }
    }

    private boolean poll(SocketChannel c, long token) {
        synchronized (c) {
            if (!c.isOpen()) {
                return true;
            }
            int n;
            try {
                n = c.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
                n = -1;
            }
            if (n == 0) {
                return false;
            }
            server.release(token, c); // before the channel leaves the map: see checkClosed
            channels.remove(token);
            return true;
        }
    }

    private void loop() {
        try {
            while (!closing) {
                selector.select();
                Object[] p;
                while ((p = pending.poll()) != null) {
                    SocketChannel c = (SocketChannel) p[0];
                    try {
                        c.register(selector, SelectionKey.OP_READ, p[1]);
                    } catch (IOException e) {
                        poll(c, (Long) p[1]);
                    }
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.isValid() && poll((SocketChannel) k.channel(), (Long) k.attachment())) {
                        k.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<Long, SocketChannel> e : channels.entrySet()) {
            server.release(e.getKey(), e.getValue());
        }
        channels.clear();
    }
}
