package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.MemDisk;
import org.dmemu.testutil.Tools;
import org.dmemu.testutil.Tools.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real NBD clients (libnbd's nbdinfo/nbdcopy, qemu-img, qemu-io) against in-memory exports. */
class NbdToolsTest {
    private final MemExports exports = new MemExports();
    private NbdServer server;
    private String base;
    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        server = new NbdServer(InetAddress.getLoopbackAddress(), 0, exports);
        base = "nbd://127.0.0.1:" + server.address().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void nbdinfoList_showsEveryExportAndItsSize() throws Exception {
        Tools.require("nbdinfo");
        exports.add("vol0", 1024 * 512);
        exports.add("big", 4 << 20);
        Run r = Tools.run("nbdinfo", "--list", "--json", base);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*\"export-name\": \"vol0\".*\"export-size\": 524288.*"), r.out());
        assertTrue(r.out().matches("(?s).*\"export-name\": \"big\".*\"export-size\": 4194304.*"), r.out());
        Run size = Tools.run("nbdinfo", "--size", base + "vol0");
        assertEquals("524288\n", size.out());
    }

    @Test
    void nbdinfo_unknownExport_fails() throws Exception {
        Tools.require("nbdinfo");
        exports.add("vol0", 4096);
        Run r = Tools.run("nbdinfo", base + "nosuch");
        assertNotEquals(0, r.exit());
    }

    @Test
    void nbdcopy_roundTrip_identicalAndSplitAtMaxphys() throws Exception {
        Tools.require("nbdcopy");
        MemDisk d = exports.add("vol0", 8 << 20);
        byte[] random = new byte[8 << 20];
        new Random(42).nextBytes(random);
        Path in = tmp.resolve("in.bin");
        Path back = tmp.resolve("back.bin");
        Files.write(in, random);
        Run w = Tools.run("nbdcopy", in.toString(), base + "vol0");
        assertEquals(0, w.exit(), w.err());
        assertArrayEquals(random, d.bytes);
        assertTrue(d.maxBcount <= NbdConnection.MAXPHYS, "transfer of " + d.maxBcount + " bytes");
        Run r = Tools.run("nbdcopy", base + "vol0", back.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(random, Files.readAllBytes(back));
    }

    @Test
    void qemuImgConvert_readsAndWritesThroughTheExport() throws Exception {
        Tools.require("qemu-img");
        MemDisk d = exports.add("vol0", 2 << 20);
        byte[] random = new byte[2 << 20];
        new Random(7).nextBytes(random);
        Path in = tmp.resolve("in.raw");
        Files.write(in, random);
        Run w = Tools.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), base + "vol0");
        assertEquals(0, w.exit(), w.err());
        assertArrayEquals(random, d.bytes);
        Path out = tmp.resolve("out.raw");
        Run r = Tools.run("qemu-img", "convert", "-f", "raw", "-O", "raw", base + "vol0", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(random, Files.readAllBytes(out));
    }

    @Test
    void qemuIo_unalignedWriteAndRead() throws Exception {
        Tools.require("qemu-io");
        MemDisk d = exports.add("vol0", 1 << 20);
        Run w = Tools.run("qemu-io", "-f", "raw", "-c", "write -P 0xab 1000 3000", "-c", "read -P 0xab 1000 3000",
                "-c", "read -P 0 0 1000", "-c", "flush", base + "vol0");
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.out().contains("wrote 3000/3000 bytes at offset 1000"), w.out());
        assertTrue(w.out().contains("read 3000/3000 bytes at offset 1000"), w.out());
        assertTrue(!w.out().contains("Pattern verification failed"), w.out());
        byte[] expect = new byte[1 << 20];
        Arrays.fill(expect, 1000, 4000, (byte) 0xab);
        assertArrayEquals(expect, d.bytes);
        assertTrue(d.syncs >= 1);
    }

    @Test
    void errorRegion_clientSeesEIO() throws Exception {
        Tools.require("qemu-io");
        MemDisk d = exports.add("bad", 1 << 20);
        d.failFrom = 0;
        d.failTo = 2048;
        d.failWith = Errno.EIO;
        Run r = Tools.run("qemu-io", "-f", "raw", "-c", "read 0 4096", base + "bad");
        assertTrue(r.out().contains("Input/output error") || r.err().contains("Input/output error"),
                r.out() + r.err());
    }
}
