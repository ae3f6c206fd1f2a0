package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.MemDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The NBD server byte by byte, with a minimal client of our own against in-memory disks. */
class NbdProtocolTest {
    /** The transmission flags of a writable export with discard. */
    static final int FLAGS = FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_WRITE_ZEROES
            | FLAG_SEND_FAST_ZERO | FLAG_CAN_MULTI_CONN | FLAG_SEND_TRIM;
    private final MemExports exports = new MemExports();
    private NbdServer server;
    private MemDisk disk;

    @BeforeEach
    void start() throws IOException {
        disk = exports.add("d", 1 << 20);
        server = new NbdServer(InetAddress.getLoopbackAddress(), 0, exports);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void list_thenGo_infoReplies() throws IOException {
        exports.add("e", 4096);
        try (NbdTestClient c = new NbdTestClient(server.address())) {
            c.option(OPT_LIST, new byte[0]);
            Object[] r1 = c.optReply(OPT_LIST);
            Object[] r2 = c.optReply(OPT_LIST);
            Object[] ack = c.optReply(OPT_LIST);
            assertEquals(REP_SERVER, r1[0]);
            assertArrayEquals(new byte[] {0, 0, 0, 1, 'd'}, (byte[]) r1[1]);
            assertArrayEquals(new byte[] {0, 0, 0, 1, 'e'}, (byte[]) r2[1]);
            assertEquals(REP_ACK, ack[0]);
            c.option(OPT_LIST, new byte[] {1});
            assertEquals(REP_ERR_INVALID, c.optReply(OPT_LIST)[0]);
            c.option(OPT_STARTTLS, new byte[0]);
            assertEquals(REP_ERR_UNSUP, c.optReply(OPT_STARTTLS)[0]);
            c.option(OPT_INFO, NbdTestClient.goData("nosuch"));
            Object[] unk = c.optReply(OPT_INFO);
            assertEquals(REP_ERR_UNKNOWN, unk[0]);
            assertTrue(new String((byte[]) unk[1], StandardCharsets.UTF_8).contains("nosuch"));
            c.option(OPT_INFO, new byte[] {0, 0, 0, 9, 'x'});
            assertEquals(REP_ERR_INVALID, c.optReply(OPT_INFO)[0]);
            c.option(OPT_INFO, NbdTestClient.goData("e"));
            Object[] info = c.optReply(OPT_INFO);
            ByteBuffer b = ByteBuffer.wrap((byte[]) info[1]);
            assertEquals(INFO_EXPORT, b.getShort(0));
            assertEquals(4096, b.getLong(2));
            assertEquals(FLAGS, b.getShort(10));
            Object[] bs = c.optReply(OPT_INFO);
            assertEquals(INFO_BLOCK_SIZE, ByteBuffer.wrap((byte[]) bs[1]).getShort(0));
            assertEquals(REP_ACK, c.optReply(OPT_INFO)[0]);
        }
    }

    @Test
    void exportName_unknownClosesTheConnection_knownGivesSizeAndFlags() throws IOException {
        try (NbdTestClient c = new NbdTestClient(server.address())) {
            c.option(OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            assertThrows(EOFException.class, () -> c.in.readLong());
        }
        try (NbdTestClient c = new NbdTestClient(server.address())) {
            c.option(OPT_EXPORT_NAME, "d".getBytes(StandardCharsets.UTF_8));
            assertEquals(1 << 20, c.in.readLong());
            assertEquals(FLAGS, c.in.readUnsignedShort());
            c.size = 1 << 20;
            assertArrayEquals(new byte[512], c.read(0, 512));
        }
    }

    @Test
    void readWrite_splitAtMaxphys_unalignedReadModifyWrite() throws IOException {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            long h = c.request(CMD_WRITE, 0, 0, data.length, data);
            assertEquals(0, c.reply(h));
            assertArrayEquals(data, disk.bytes);
            assertEquals(16, disk.strategyCalls, "1 MiB in 64 KiB transfers");
            assertEquals(NbdConnection.MAXPHYS, disk.maxBcount);
            byte[] patch = new byte[1000];
            Arrays.fill(patch, (byte) 7);
            h = c.request(CMD_WRITE, 0, 700, patch.length, patch);
            assertEquals(0, c.reply(h));
            System.arraycopy(patch, 0, data, 700, patch.length);
            assertArrayEquals(data, disk.bytes, "bytes around the patch kept");
            assertArrayEquals(Arrays.copyOfRange(data, 333, 3333), c.read(333, 3000));
        }
    }

    @Test
    void errors_connectionSurvives() throws IOException {
        disk.failFrom = 8;
        disk.failTo = 9;
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            assertEquals(EIO, c.reply(c.request(CMD_READ, 0, 4096, 512, null)));
            disk.failWith = Errno.EROFS;
            assertEquals(EPERM, c.reply(c.request(CMD_WRITE, 0, 4096, 512, new byte[512])));
            assertEquals(ENOSPC, c.reply(c.request(CMD_WRITE, 0, (1 << 20) - 256, 512, new byte[512])));
            assertEquals(EINVAL, c.reply(c.request(CMD_READ, 0, 1 << 20, 1, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_READ, 0, 0, MAX_REQUEST + 1, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_TRIM, CMD_FLAG_NO_HOLE, 0, 512, null)));
            assertEquals(EINVAL, c.reply(c.request(99, 0, 0, 0, null)));
            assertArrayEquals(new byte[512], c.read(0, 512));
        }
    }

    @Test
    void flushFuaWriteZeroes_andDisconnectSyncsAndCloses() throws IOException {
        Arrays.fill(disk.bytes, (byte) 1);
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            assertEquals(0, c.reply(c.request(CMD_FLUSH, 0, 0, 0, null)));
            assertEquals(1, disk.syncs);
            assertEquals(0, c.reply(c.request(CMD_WRITE, CMD_FLAG_FUA, 0, 512, new byte[512])));
            assertEquals(2, disk.syncs);
            assertEquals(0, c.reply(c.request(CMD_WRITE_ZEROES, 0, 1000, 200_000, null)));
            for (int i = 0; i < disk.bytes.length; i++) {
                byte want = i < 512 || (i >= 1000 && i < 201_000) ? 0 : (byte) 1;
                if (disk.bytes[i] != want) {
                    throw new AssertionError("byte " + i);
                }
            }
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (disk.closes == 0 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, disk.closes);
        assertEquals(3, disk.syncs, "flushed on disconnect");
    }

    @Test
    void pipelined_oneReplyPerHandle_flushAnsweredAfterEveryEarlierWrite() throws IOException {
        int n = 32;
        int sz = 32 * 1024;
        byte[] data = new byte[n * sz];
        new Random(5).nextBytes(data);
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            Set<Long> writes = new HashSet<>();
            for (int i = 0; i < n; i++) {
                writes.add(c.request(CMD_WRITE, 0, (long) i * sz, sz, Arrays.copyOfRange(data, i * sz, (i + 1) * sz)));
            }
            long flush = c.request(CMD_FLUSH, 0, 0, 0, null);
            Map<Long, Integer> reads = new HashMap<>();
            for (int i = 0; i < n; i++) {
                reads.put(c.request(CMD_READ, 0, (long) i * sz, sz, null), i);
            }
            Set<Long> seen = new HashSet<>();
            for (int k = 0; k < 2 * n + 1; k++) {
                assertEquals(SIMPLE_REPLY_MAGIC, c.in.readInt());
                assertEquals(0, c.in.readInt());
                long h = c.in.readLong();
                assertTrue(seen.add(h), "one reply per handle");
                if (h == flush) {
                    assertTrue(seen.containsAll(writes), "the flush is answered after every write sent before it");
                    assertEquals(1, disk.syncs);
                } else if (reads.containsKey(h)) {
                    int i = reads.get(h);
                    byte[] b = new byte[sz];
                    c.in.readFully(b);
                    assertArrayEquals(Arrays.copyOfRange(data, i * sz, (i + 1) * sz), b, "read " + i);
                } else {
                    assertTrue(writes.contains(h), "unknown handle " + h);
                }
            }
            assertArrayEquals(data, disk.bytes);
        }
    }

    @Test
    void badRequestMagic_closesOnlyThatConnection() throws IOException {
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            c.out.writeInt(0x12345678);
            c.out.write(new byte[24]);
            c.out.flush();
            assertThrows(EOFException.class, () -> c.in.readInt());
        }
        try (NbdTestClient c = NbdTestClient.go(server.address(), "d")) {
            assertArrayEquals(new byte[16], c.read(0, 16));
        }
    }
}
