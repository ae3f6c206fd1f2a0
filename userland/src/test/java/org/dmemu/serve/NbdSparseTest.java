package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD server's sparseness and strictness byte by byte, with the in-repo client against the
 * daemon on image files: structured replies, LIST/SET_META_CONTEXT, BLOCK_STATUS from the dm
 * table (zero entries, image holes), TRIM and WRITE_ZEROES punching holes, FAST_ZERO, flag
 * errors, oversized options, read-only devices, live changes while connected.
 */
class NbdSparseTest {
    private static final long MIB = 1 << 20;
    private static final int HZ = STATE_HOLE | STATE_ZERO;

    @TempDir
    Path state;

    /** "s": 8 MiB linear on wd0 from sector 2048, then 8 MiB zero. */
    private DaemonFixture sparse(boolean discard) throws IOException {
        DaemonFixture f = new DaemonFixture(state, discard);
        f.device("s", "0 16384 linear /dev/wd0d " + DaemonFixture.SKIP + "\n16384 16384 zero\n");
        return f;
    }

    @Test
    void metaContext_listAndSet() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = new NbdTestClient(f.nbdAddress())) {
            c.option(OPT_SET_META_CONTEXT, NbdTestClient.metaData("s", CONTEXT_BASE_ALLOCATION));
            assertEquals(REP_ERR_INVALID, c.optReply(OPT_SET_META_CONTEXT)[0], "SET before structured replies");
            c.option(OPT_STRUCTURED_REPLY, new byte[1]);
            assertEquals(REP_ERR_INVALID, c.optReply(OPT_STRUCTURED_REPLY)[0], "takes no data");
            c.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, c.optReply(OPT_STRUCTURED_REPLY)[0]);
            for (String[] q : new String[][] {{}, {"base:"}, {"x:y", CONTEXT_BASE_ALLOCATION}}) {
                c.option(OPT_LIST_META_CONTEXT, NbdTestClient.metaData("s", q));
                Object[] r = c.optReply(OPT_LIST_META_CONTEXT);
                assertEquals(REP_META_CONTEXT, r[0], Arrays.toString(q));
                ByteBuffer b = ByteBuffer.wrap((byte[]) r[1]);
                assertEquals(CONTEXT_BASE_ALLOCATION_ID, b.getInt());
                assertEquals(CONTEXT_BASE_ALLOCATION, StandardCharsets.UTF_8.decode(b).toString());
                assertEquals(REP_ACK, c.optReply(OPT_LIST_META_CONTEXT)[0]);
            }
            c.option(OPT_SET_META_CONTEXT, NbdTestClient.metaData("s"));
            assertEquals(REP_ACK, c.optReply(OPT_SET_META_CONTEXT)[0], "SET with no query selects none");
            c.option(OPT_SET_META_CONTEXT, NbdTestClient.metaData("s", "base:"));
            assertEquals(REP_ACK, c.optReply(OPT_SET_META_CONTEXT)[0], "SET takes no namespace wildcard");
            c.option(OPT_LIST_META_CONTEXT, NbdTestClient.metaData("nosuch", CONTEXT_BASE_ALLOCATION));
            assertEquals(REP_ERR_UNKNOWN, c.optReply(OPT_LIST_META_CONTEXT)[0]);
            c.option(OPT_LIST_META_CONTEXT, new byte[] {0, 0, 0, 9, 's'});
            assertEquals(REP_ERR_INVALID, c.optReply(OPT_LIST_META_CONTEXT)[0]);
        }
    }

    @Test
    void oversizedOption_errorReplyThenTheConnectionGoesOn() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = new NbdTestClient(f.nbdAddress())) {
            c.option(OPT_INFO, new byte[200_000]);
            Object[] r = c.optReply(OPT_INFO);
            assertEquals(REP_ERR_TOO_BIG, r[0]);
            c.option(OPT_LIST, new byte[0]);
            assertEquals(REP_SERVER, c.optReply(OPT_LIST)[0]);
            assertEquals(REP_ACK, c.optReply(OPT_LIST)[0]);
        }
    }

    @Test
    void blockStatus_zeroEntryAndImageHoles_readChunks() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = NbdTestClient.structured(f.nbdAddress(), "s")) {
            assertEquals(16 * MIB, c.size);
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 9);
            assertEquals(0, c.reply(c.request(CMD_WRITE, 0, MIB, data.length, data)));
            String s = c.blockStatus(0, 0, (int) (16 * MIB));
            String[] d = s.split(" ");
            assertEquals(3, d.length, s);
            assertEquals(MIB + ":" + HZ, d[0], "unwritten image: a hole");
            long dataLen = Long.parseLong(d[1].split(":")[0]);
            assertEquals("0", d[1].split(":")[1]);
            assertTrue(dataLen >= 4096 && dataLen <= 65536, "the written block: data, " + s);
            assertEquals((15 * MIB - dataLen) + ":" + HZ, d[2], "then holes and the zero entry");
            assertEquals(MIB + ":" + HZ, c.blockStatus(CMD_FLAG_REQ_ONE, 0, (int) (2 * MIB)), "REQ_ONE: one descriptor");
            assertEquals("100:" + HZ, c.blockStatus(0, 12 * MIB, 100));
            assertEquals("error " + EINVAL, c.blockStatus(0, 16 * MIB, 512), "past the end");
            assertEquals("error " + EINVAL, c.blockStatus(0, 0, 0), "length 0");
            assertEquals("error " + EINVAL, c.blockStatus(CMD_FLAG_FUA, 0, 512), "a flag it does not take");
            assertArrayEquals(data, c.readStructured(MIB, 4096));
            assertArrayEquals(new byte[512], c.readStructured(9 * MIB, 512));
            long h0 = c.request(CMD_READ, 0, 0, 0, null);
            NbdTestClient.Chunk none = c.chunk();
            assertEquals(h0, none.handle());
            assertEquals(REPLY_TYPE_NONE, none.type(), "a read of 0 bytes: one NONE chunk");
            assertEquals(REPLY_FLAG_DONE, none.flags());
            assertEquals(0, none.payload().length);
            assertNull(c.readStructured(16 * MIB, 512));
            assertEquals(EINVAL, c.lastError, "a read error is an ERROR chunk");
            assertEquals(0, c.reply(c.request(CMD_WRITE, 0, 0, 512, new byte[512])), "writes keep simple replies");
        }
    }

    @Test
    void trimAndWriteZeroes_punchHoles_fastZero() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = NbdTestClient.structured(f.nbdAddress(), "s")) {
            assertEquals(FLAG_SEND_TRIM | FLAG_SEND_FAST_ZERO, c.transmissionFlags & (FLAG_SEND_TRIM | FLAG_SEND_FAST_ZERO));
            byte[] ones = new byte[(int) (2 * MIB)];
            Arrays.fill(ones, (byte) 1);
            assertEquals(0, c.reply(c.request(CMD_WRITE, 0, 0, ones.length, ones)));
            assertEquals(2 * MIB + ":0 " + 14 * MIB + ":" + HZ, c.blockStatus(0, 0, (int) (16 * MIB)));
            long before = SparseFiles.allocated(f.image(0));
            assertEquals(0, c.reply(c.request(CMD_TRIM, 0, 100, (int) MIB - 100, null)), "unaligned head: kept");
            assertEquals(0, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_FAST_ZERO | CMD_FLAG_FUA, MIB, (int) MIB - 1000, null)));
            assertTrue(SparseFiles.allocated(f.image(0)) <= before - 2 * MIB + 64 * 1024, "about 2 MiB freed");
            byte[] back = c.readStructured(0, (int) (2 * MIB));
            for (int i = 0; i < back.length; i++) {
                int want = i < 512 || i >= 2 * MIB - 1000 ? 1 : 0;
                assertEquals(want, back[i], "byte " + i);
            }
            String s = c.blockStatus(0, 0, (int) (2 * MIB));
            assertTrue(s.startsWith("4096:0 ") || s.startsWith("512:0 "), s);
            assertEquals(ENOTSUP, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_NO_HOLE | CMD_FLAG_FAST_ZERO, 0, 4096, null)),
                    "NO_HOLE zeroing is slow");
            assertEquals(1, c.readStructured(0, 1)[0], "nothing written by the refused request");
            assertEquals(0, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_NO_HOLE, 4 * MIB, 65536, null)));
            assertEquals("65536:" + STATE_ZERO + "", c.blockStatus(0, 4 * MIB, 65536).replace(":0", ":" + STATE_ZERO),
                    "NO_HOLE: written zeros are data");
            assertEquals(0, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_FAST_ZERO, 12 * MIB, 4096, null)), "zero target");
        }
    }

    @Test
    void noDiscard_noTrim_zeroesWritten() throws IOException {
        try (DaemonFixture f = sparse(false); NbdTestClient c = NbdTestClient.structured(f.nbdAddress(), "s")) {
            assertEquals(0, c.transmissionFlags & FLAG_SEND_TRIM);
            assertEquals(EINVAL, c.reply(c.request(CMD_TRIM, 0, 0, 4096, null)), "not offered");
            assertEquals(ENOTSUP, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_FAST_ZERO, 0, 65536, null)));
            assertEquals(0, c.reply(c.request(CMD_WRITE_ZEROES, 0, 0, 65536, null)));
            assertEquals("65536:0", c.blockStatus(0, 0, 65536), "zeros written, not punched");
        }
    }

    @Test
    void strictFlags_einval_connectionSurvives() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = NbdTestClient.go(f.nbdAddress(), "s")) {
            assertEquals(EINVAL, c.reply(c.request(CMD_FLUSH, 0, 512, 0, null)), "FLUSH with an offset");
            assertEquals(EINVAL, c.reply(c.request(CMD_FLUSH, 0, 0, 512, null)), "FLUSH with a length");
            assertEquals(EINVAL, c.reply(c.request(CMD_FLUSH, CMD_FLAG_FUA, 0, 0, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_READ, CMD_FLAG_FUA, 0, 512, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_READ, CMD_FLAG_DF, 0, 512, null)), "DF not negotiated");
            assertEquals(EINVAL, c.reply(c.request(CMD_WRITE, 0x80, 0, 512, new byte[512])), "unknown flag");
            assertEquals(EINVAL, c.reply(c.request(CMD_WRITE, CMD_FLAG_NO_HOLE, 0, 512, new byte[512])));
            assertEquals(EINVAL, c.reply(c.request(CMD_TRIM, CMD_FLAG_FAST_ZERO, 0, 512, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_WRITE_ZEROES, CMD_FLAG_REQ_ONE, 0, 512, null)));
            assertEquals(EINVAL, c.reply(c.request(CMD_BLOCK_STATUS, 0, 0, 512, null)), "no meta context");
            assertEquals(EINVAL, c.reply(c.request(CMD_CACHE, 0, 0, 512, null)), "not offered");
            assertEquals(ENOSPC, c.reply(c.request(CMD_TRIM, 0, 16 * MIB, 512, null)));
            assertEquals(0, c.reply(c.request(CMD_WRITE, CMD_FLAG_FUA, 0, 512, new byte[512])));
        }
    }

    @Test
    void readOnlyDevice_exportedReadOnly() throws IOException {
        try (DaemonFixture f = sparse(true)) {
            createReadOnly(f.daemon.kernel(), "ro");
            f.dmctl("0 64 zero\n", "reload", "ro");
            f.dmctl("", "resume", "ro");
            try (NbdTestClient c = NbdTestClient.go(f.nbdAddress(), "ro")) {
                assertEquals(FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_SEND_FLUSH | FLAG_CAN_MULTI_CONN, c.transmissionFlags);
                assertEquals(EPERM, c.reply(c.request(CMD_WRITE, 0, 0, 512, new byte[512])));
                assertEquals(EPERM, c.reply(c.request(CMD_WRITE_ZEROES, 0, 0, 512, null)));
                assertEquals(EINVAL, c.reply(c.request(CMD_TRIM, 0, 0, 512, null)), "not offered");
                assertArrayEquals(new byte[512], c.read(0, 512));
            }
        }
    }

    @Test
    void liveChanges_shrinkEio_renameKeeps_suspendServes_removeBusy() throws IOException {
        try (DaemonFixture f = sparse(true); NbdTestClient c = NbdTestClient.go(f.nbdAddress(), "s")) {
            assertEquals(16 * MIB, c.size);
            f.dmctl("0 8192 linear /dev/wd0d " + DaemonFixture.SKIP + "\n", "reload", "s");
            f.dmctl("", "resume", "s");
            assertEquals(EIO, c.reply(c.request(CMD_READ, 0, 6 * MIB, 512, null)), "past the new end: EIO");
            assertEquals(EIO, c.reply(c.request(CMD_WRITE, 0, 4 * MIB, 512, new byte[512])), "at the new end: EIO");
            assertEquals(EIO, c.reply(c.request(CMD_WRITE_ZEROES, 0, 5 * MIB, 4096, null)));
            assertArrayEquals(new byte[512], c.read(0, 512), "inside: served");
            f.dmctl("", "rename", "s", "t");
            assertArrayEquals(new byte[512], c.read(512, 512), "rename keeps the connection");
            assertThrows(IOException.class, () -> NbdTestClient.go(f.nbdAddress(), "s").close());
            f.dmctl("", "suspend", "t");
            assertArrayEquals(new byte[512], c.read(0, 512), "NetBSD's suspend does not stop I/O");
            f.dmctl("0 8192 linear /dev/wd0d " + DaemonFixture.SKIP + "\n", "reload", "t");
            f.dmctl("", "resume", "t"); // (a resume without a loaded table would switch to an empty one)
            f.dmctlRaw("", "remove", "t"); // dm_dev_remove_ioctl: EBUSY in the reply only (dmioctl returns 0) // dm_dev_remove_ioctl: EBUSY in the reply only (dmioctl returns 0)
            assertEquals(java.util.List.of("t"), f.daemon.kernel().activeDmNames(), "an open device is not removed");
            assertArrayEquals(new byte[512], c.read(0, 512));
            try (NbdTestClient t = NbdTestClient.go(f.nbdAddress(), "t")) {
                assertEquals(4 * MIB, t.size, "new connections see the new name and size");
            }
        }
    }

    /** {@code create} with {@code DM_READONLY_FLAG}, as {@code dmsetup create -r} sends it. */
    private static void createReadOnly(Kernel k, String name) {
        PropDictionary req = new PropDictionary();
        req.setString("command", "create");
        req.setString("name", name);
        req.setUint32("flags", 1);
        PropArray v = new PropArray();
        v.addUint32(4);
        v.addUint32(0);
        v.addUint32(0);
        req.set("version", v);
        byte[] buf = PropKern.externalizeRequest(req);
        IoctlResult r = k.ioctl(Kernel.CONTROL, ServeDaemon.NETBSD_DM_IOCTL, buf, buf.length);
        assertEquals(0, r.errno());
    }
}
