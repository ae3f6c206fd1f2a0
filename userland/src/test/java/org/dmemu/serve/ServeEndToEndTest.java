package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dmemu.cli.Dmctl;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.testutil.Tools;
import org.dmemu.testutil.Tools.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole daemon in-process — kernel on two labelled 256 MiB image files, control socket in a
 * temp dir, NBD on an ephemeral port — driven by real clients: dmctl over the socket, libnbd's
 * nbdinfo/nbdcopy, qemu-img, qemu-io, and the stdlib-only Python client.
 */
class ServeEndToEndTest {
    /**
     * Tables map the raw partition d (the whole disk from sector 0, with or without a label)
     * from sector 2048 on, clear of the MBR and the disklabel.
     */
    static final long A_START = 0;
    static final long SKIP = 2048;

    @TempDir
    Path state;
    private ServeDaemon daemon;
    private Path img0;
    private Path img1;
    private String nbd;

    @BeforeEach
    void start() throws IOException {
        List<DiskSpec> disks = StateDir.defaultDisks(state, new PrintStream(OutputStream_nul(), true));
        img0 = state.resolve("wd0.img");
        img1 = state.resolve("wd1.img");
        daemon = ServeDaemon.start(new KernelConfig(disks, Set.of(), false, false, null), state.resolve("control"),
                InetAddress.getLoopbackAddress(), 0);
        nbd = "nbd://127.0.0.1:" + daemon.nbdAddress().getPort() + "/";
    }

    private static java.io.OutputStream OutputStream_nul() {
        return java.io.OutputStream.nullOutputStream();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private String dmctl(String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Dmctl.run(new UnixSocketTransport(daemon.controlPath()), args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals("", e.toString(StandardCharsets.UTF_8), String.join(" ", args));
        assertEquals(0, rc);
        return o.toString(StandardCharsets.UTF_8);
    }

    private void device(String name, String table) {
        dmctl("", "create", name);
        dmctl(table, "reload", name);
        dmctl("", "resume", name);
    }

    /** A 4 MiB linear device: 2 MiB on wd0d from sector 2048, then 2 MiB on wd1d from sector 2048. */
    private void span() {
        device("span", "0 4096 linear /dev/wd0d " + SKIP + "\n4096 4096 linear /dev/wd1d " + SKIP + "\n");
    }

    private static byte[] readImage(Path img, long offset, int len) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            byte[] b = new byte[len];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    @Test
    void imagesHaveMbrAndLabel() throws IOException {
        byte[] s0 = readImage(img0, 0, 512);
        assertEquals(0x55, s0[510] & 0xff);
        assertEquals(0xaa, s0[511] & 0xff);
        assertEquals(0xa9, s0[446 + 4] & 0xff, "NetBSD partition type");
        assertEquals(63, (s0[446 + 8] & 0xff) | (s0[446 + 9] & 0xff) << 8);
        byte[] label = readImage(img0, 64 * 512, 4);
        assertArrayEquals(new byte[] {0x57, 0x45, 0x56, (byte) 0x82}, label, "disklabel magic at LBA 64");
        assertEquals(256L << 20, Files.size(img1));
    }

    @Test
    void nbdinfoList_showsActiveDevicesAndSizes() throws Exception {
        Tools.require("nbdinfo");
        span();
        device("z", "0 1024 zero\n");
        dmctl("", "create", "notable");
        Run r = Tools.run("nbdinfo", "--list", "--json", nbd);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*\"export-name\": \"span\".*\"export-size\": 4194304.*"), r.out());
        assertTrue(r.out().matches("(?s).*\"export-name\": \"z\".*\"export-size\": 524288.*"), r.out());
        assertFalse(r.out().contains("notable"), r.out());
        assertEquals("4194304\n", Tools.run("nbdinfo", "--size", nbd + "span").out());
    }

    @Test
    void nbdcopy_linearAcrossTwoDisks_roundTripAndBytesAtTheRightImageOffsets() throws Exception {
        Tools.require("nbdcopy");
        span();
        byte[] data = new byte[4 << 20];
        new Random(5).nextBytes(data);
        Path in = state.resolve("in.bin");
        Path back = state.resolve("back.bin");
        Files.write(in, data);
        Run w = Tools.run("nbdcopy", "--flush", in.toString(), nbd + "span");
        assertEquals(0, w.exit(), w.err());
        Run r = Tools.run("nbdcopy", nbd + "span", back.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(data, Files.readAllBytes(back));
        daemon.close();
        int half = 2 << 20;
        assertArrayEquals(Arrays.copyOfRange(data, 0, half), readImage(img0, (A_START + SKIP) * 512, half));
        assertArrayEquals(Arrays.copyOfRange(data, half, 2 * half), readImage(img1, (A_START + SKIP) * 512, half));
        assertArrayEquals(new byte[512], readImage(img0, (A_START + SKIP) * 512 + half, 512), "nothing past the end");
    }

    @Test
    void qemuImgConvertAndQemuIo_throughTheExport() throws Exception {
        Tools.require("qemu-img");
        Tools.require("qemu-io");
        span();
        byte[] data = new byte[1 << 20];
        new Random(9).nextBytes(data);
        Path in = state.resolve("q.raw");
        Files.write(in, data);
        Run w = Tools.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), nbd + "span");
        assertEquals(0, w.exit(), w.err());
        Path out = state.resolve("q.out");
        Run r = Tools.run("qemu-img", "convert", "-f", "raw", "-O", "raw", nbd + "span", out.toString());
        assertEquals(0, r.exit(), r.err());
        byte[] back = Files.readAllBytes(out);
        assertEquals(4 << 20, back.length);
        assertArrayEquals(data, Arrays.copyOf(back, data.length));
        // a write straddling the two disks, then read back with a pattern check
        long edge = (2 << 20) - 1000;
        Run io = Tools.run("qemu-io", "-f", "raw", "-c", "write -P 0x5a " + edge + " 3000", "-c",
                "read -P 0x5a " + edge + " 3000", "-c", "flush", nbd + "span");
        assertEquals(0, io.exit(), io.err());
        assertFalse(io.out().contains("Pattern verification failed"), io.out());
        assertTrue(io.out().contains("read 3000/3000 bytes"), io.out());
        daemon.close();
        byte[] tail0 = readImage(img0, (A_START + SKIP) * 512 + edge, 1000);
        byte[] head1 = readImage(img1, (A_START + SKIP) * 512, 2000);
        byte[] fill1000 = new byte[1000];
        Arrays.fill(fill1000, (byte) 0x5a);
        byte[] fill2000 = new byte[2000];
        Arrays.fill(fill2000, (byte) 0x5a);
        assertArrayEquals(fill1000, tail0);
        assertArrayEquals(fill2000, head1);
    }

    @Test
    void errorTarget_clientSeesEIO_zeroTargetReadsZeroes() throws Exception {
        Tools.require("qemu-io");
        device("mixed", "0 1024 zero\n1024 1024 error\n");
        Run ok = Tools.run("qemu-io", "-f", "raw", "-c", "read -P 0 0 4096", nbd + "mixed");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("read 4096/4096 bytes at offset 0"), ok.out());
        Run bad = Tools.run("qemu-io", "-f", "raw", "-c", "read 524288 4096", nbd + "mixed");
        assertTrue((bad.out() + bad.err()).contains("Input/output error"), bad.out() + bad.err());
    }

    @Test
    void exportedDevice_isOpen_removeRefusedUntilTheClientLeaves() throws Exception {
        device("busy", "0 1024 zero\n");
        try (NbdTestClient c = NbdTestClient.go(daemon.nbdAddress(), "busy")) {
            assertEquals(524288, c.size);
            dmctl("", "remove", "busy");
            assertEquals(List.of("busy"), daemon.kernel().activeDmNames(), "EBUSY while exported");
            assertArrayEquals(new byte[4096], c.read(0, 4096));
        }
        dmctl("", "remove", "busy");
        assertEquals(List.of(), daemon.kernel().activeDmNames());
    }

    @Test
    void cleanStop_writesReachTheImageFiles() throws Exception {
        Tools.require("qemu-io");
        span();
        Run io = Tools.run("qemu-io", "-f", "raw", "-c", "write -P 0x77 0 65536", nbd + "span");
        assertEquals(0, io.exit(), io.err());
        daemon.close();
        byte[] expect = new byte[65536];
        Arrays.fill(expect, (byte) 0x77);
        assertArrayEquals(expect, readImage(img0, (A_START + SKIP) * 512, 65536));
        assertFalse(Files.exists(state.resolve("control")), "socket removed on stop");
    }

    @Test
    void pythonClient_createsADeviceThroughTheControlSocket() throws Exception {
        Tools.require("python3");
        Path client = Path.of("..", "docs", "examples", "dm_client.py").toAbsolutePath().normalize();
        assertTrue(Files.exists(client), client.toString());
        String ctl = daemon.controlPath().toString();
        Run v = Tools.run(List.of("python3", client.toString(), "--control", ctl, "version"), null, 30);
        assertEquals(0, v.exit(), v.err());
        assertEquals("4.16.0\n", v.out());
        Run c = Tools.run(List.of("python3", client.toString(), "--control", ctl, "create", "pyvol"),
                "0 2048 zero\n2048 2048 linear /dev/wd1d 2048\n".getBytes(StandardCharsets.UTF_8), 30);
        assertEquals(0, c.exit(), c.err());
        assertEquals(List.of("pyvol"), daemon.kernel().activeDmNames());
        assertEquals("Getting device table for device pyvol\n         0       2048 zero\n"
                + "      2048       2048 linear\n", dmctl("", "table", "pyvol"));
        Run ls = Tools.run(List.of("python3", client.toString(), "--control", ctl, "ls"), null, 30);
        assertEquals("pyvol\t1\n", ls.out());
        Run info = Tools.run(List.of("python3", client.toString(), "--control", ctl, "info", "pyvol"), null, 30);
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("\"target_count\": 2"), info.out());
        Run missing = Tools.run(List.of("python3", client.toString(), "--control", ctl, "info", "nosuch"), null, 30);
        assertEquals(1, missing.exit());
        assertEquals("dm_client.py: info nosuch: no such device\n", missing.err());
        Run rm = Tools.run(List.of("python3", client.toString(), "--control", ctl, "remove", "pyvol"), null, 30);
        assertEquals(0, rm.exit(), rm.err());
        assertEquals(List.of(), daemon.kernel().activeDmNames());
    }
}
