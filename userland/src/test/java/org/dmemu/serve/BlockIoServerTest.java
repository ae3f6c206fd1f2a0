package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.KernelConfig;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block-I/O socket's protocol (BlockIoProto), spoken by hand. */
class BlockIoServerTest {
    @TempDir
    Path tmp;
    private ServeDaemon d;

    /** One reply: errno, value, payload. */
    record Reply(int errno, long value, byte[] payload) {
    }

    @BeforeEach
    void start() throws IOException {
        d = ServeDaemon.start(new KernelConfig(List.of(DiskSpec.parse("wd0=mem:1M"), DiskSpec.parse("wd1=mem:8M")),
                Set.of(), true, false, null), tmp.resolve("control"), InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        d.close();
    }

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(d.blockIoPath()));
        return c;
    }

    private static Reply call(SocketChannel c, int op, int arg, long token, long off, int count, byte[] payload)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32 + payload.length);
        b.putInt(op).putInt(arg).putLong(token).putLong(off).putInt(count).putInt(payload.length).put(payload).flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
        ByteBuffer h = ByteBuffer.allocate(16);
        readFully(c, h);
        byte[] p = new byte[h.getInt(4)];
        readFully(c, ByteBuffer.wrap(p));
        return new Reply(h.getInt(0), h.getLong(8), p);
    }

    private static void readFully(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("closed");
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private int control(String command, String name, String table) {
        PropDictionary req = new PropDictionary();
        req.setString("command", command);
        req.setString("name", name);
        PropArray v = new PropArray();
        v.addUint32(4);
        v.addUint32(0);
        v.addUint32(0);
        req.set("version", v);
        if (table != null) {
            PropArray data = new PropArray();
            PropDictionary e = new PropDictionary();
            e.setUint64("start", 0);
            e.setUint64("length", 64);
            e.setString("type", "linear");
            e.setString("params", table);
            data.add(e);
            req.set("cmd_data", data);
        }
        byte[] x = PropKern.externalizeRequest(req);
        IoctlResult r = d.kernel().ioctl("/dev/mapper/control", ServeDaemon.NETBSD_DM_IOCTL, x, x.length);
        return r.errno();
    }

    @Test
    void socketIsOwnerOnlyAndNextToTheControlSocket() throws IOException {
        assertEquals(tmp.resolve("control.bio").toAbsolutePath(), d.blockIoPath());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.blockIoPath())));
    }

    @Test
    void statOpenReadWriteSeekAndSynchronousLastClose() throws IOException {
        assertEquals(0, control("create", "v", null));
        assertEquals(0, control("reload", "v", "/dev/wd1a 16"));
        assertEquals(0, control("resume", "v", null));
        try (SocketChannel r = connect()) {
            Reply st = call(r, BlockIoProto.OP_STAT, 0, 0, 0, 0, ascii("/dev/mapper/v"));
            assertEquals(0, st.errno());
            assertArrayEquals(ByteBuffer.allocate(12).putInt(1).putInt(169).putInt(1).array(), st.payload());
            assertEquals(Errno.ENOENT.number(), call(r, BlockIoProto.OP_STAT, 0, 0, 0, 0, ascii("/dev/wd7a")).errno());
            assertEquals(Errno.EBADF.number(), call(r, BlockIoProto.OP_READ, 0, 42, 0, 512, new byte[0]).errno());

            SocketChannel file = connect();
            Reply open = call(file, BlockIoProto.OP_OPEN, 3, 0, 0, 0, ascii("/dev/mapper/v"));
            assertEquals(0, open.errno());
            long token = open.value();
            byte[] data = new byte[1000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 3);
            }
            Reply w = call(r, BlockIoProto.OP_WRITE, 1, token, 100, 0, data);
            assertEquals(0, w.errno());
            assertEquals(1000, w.value());
            Reply rd = call(r, BlockIoProto.OP_READ, 1, token, 100, 1000, new byte[0]);
            assertArrayEquals(data, rd.payload());
            assertEquals(64 * 512 - 10, call(r, BlockIoProto.OP_READ, 1, token, 10, 64 * 512, new byte[0]).value(),
                    "a read across the end stops at the end");
            assertEquals(7, call(r, BlockIoProto.OP_SEEK, 0, token, 7, 0, new byte[0]).value());
            assertEquals(0, call(r, BlockIoProto.OP_SEEK, 2, token, 0, 0, new byte[0]).value(), "SEEK_END: size 0");

            assertEquals(Errno.EBUSY.number(), control("remove", "v", null), "open: remove refused");
            assertEquals(0, call(r, BlockIoProto.OP_CLOSED, 0, token, 0, 0, new byte[0]).value(), "still open");
            file.close();
            assertEquals(1, call(r, BlockIoProto.OP_CLOSED, 0, token, 0, 0, new byte[0]).value(),
                    "the end-of-file is seen at once");
            assertEquals(0, control("remove", "v", null), "after the last close: removed");
            assertEquals(Errno.EBADF.number(), call(r, BlockIoProto.OP_READ, 0, token, 0, 512, new byte[0]).errno());
        }
    }

    @Test
    void accessModesAndRawAlignment() throws IOException {
        try (SocketChannel r = connect(); SocketChannel f = connect(); SocketChannel g = connect()) {
            long ro = call(f, BlockIoProto.OP_OPEN, BlockIoProto.FREAD, 0, 0, 0, ascii("/dev/wd1a")).value();
            assertEquals(Errno.EBADF.number(), call(r, BlockIoProto.OP_WRITE, 0, ro, 0, 0, new byte[512]).errno());
            long raw = call(g, BlockIoProto.OP_OPEN, 3, 0, 0, 0, ascii("/dev/rwd1d")).value();
            assertEquals(Errno.EINVAL.number(), call(r, BlockIoProto.OP_READ, 1, raw, 0, 100, new byte[0]).errno(),
                    "physio: the disk refuses a partial sector");
            assertEquals(512, call(r, BlockIoProto.OP_READ, 1, raw, 0, 512, new byte[0]).value());
        }
    }

    @Test
    void oversizedFrameIsRefusedAndTheConnectionClosed() throws IOException {
        try (SocketChannel c = connect()) {
            ByteBuffer b = ByteBuffer.allocate(32);
            b.putInt(BlockIoProto.OP_WRITE).putInt(0).putLong(1).putLong(0).putInt(0)
                    .putInt(BlockIoProto.MAX_IO + 1).flip();
            c.write(b);
            ByteBuffer h = ByteBuffer.allocate(16);
            readFully(c, h);
            assertEquals(Errno.E2BIG.number(), h.getInt(0));
            assertTrue(c.read(ByteBuffer.allocate(1)) < 0, "closed after E2BIG");
        }
    }
}
