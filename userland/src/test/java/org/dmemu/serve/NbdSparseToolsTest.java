package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.dmemu.testutil.Tools;
import org.dmemu.testutil.Tools.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparseness with real clients against the daemon on image files: nbdinfo --map and
 * qemu-img map show the holes (a zero target, unwritten image regions); nbdcopy and qemu-img
 * convert of a mostly-empty 256 MiB export move only the data (counted by the server,
 * {@link NbdServer#bytesRead()}); copying a sparse image into an export keeps the backing image
 * sparse (du); a trim reads back as zeros.
 */
class NbdSparseToolsTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path state;
    @TempDir
    Path tmp;
    private DaemonFixture f;

    @BeforeEach
    void start() throws IOException {
        f = new DaemonFixture(state, true);
        // "sp": 256 MiB, the first 128 MiB on wd0 from sector 2048, the rest a zero target.
        f.device("sp", "0 262144 linear /dev/wd0d " + DaemonFixture.SKIP + "\n262144 262144 zero\n");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Writes {@code len} random bytes at {@code off} of "sp" with the in-repo client. */
    private byte[] writeRandom(long off, int len, long seed) throws IOException {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        try (NbdTestClient c = NbdTestClient.go(f.nbdAddress(), "sp")) {
            assertEquals(0, c.reply(c.request(NbdProto.CMD_WRITE, 0, off, len, b)));
        }
        return b;
    }

    @Test
    void nbdinfoMap_showsHolesAndData() throws Exception {
        Tools.require("nbdinfo");
        writeRandom(4 * MIB, (int) MIB, 1);
        Run r = Tools.run("nbdinfo", "--map", f.uri("sp"));
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        assertArrayEquals(new String[] {"0", Long.toString(4 * MIB), "3", "hole,zero"}, lines[0].trim().split("\\s+"));
        assertArrayEquals(new String[] {Long.toString(4 * MIB), Long.toString(MIB), "0", "data"},
                lines[1].trim().split("\\s+"));
        assertArrayEquals(new String[] {Long.toString(5 * MIB), Long.toString(251 * MIB), "3", "hole,zero"},
                lines[2].trim().split("\\s+"));
    }

    @Test
    void qemuImgMap_json() throws Exception {
        Tools.require("qemu-img");
        writeRandom(4 * MIB, (int) MIB, 2);
        Run r = Tools.run("qemu-img", "map", "--output=json", "-f", "raw", f.uri("sp"));
        assertEquals(0, r.exit(), r.err());
        String out = r.out().replace(" ", "");
        assertTrue(out.contains("{\"start\":0,\"length\":4194304,\"depth\":0,\"present\":true,\"zero\":true,\"data\":false"),
                r.out());
        assertTrue(out.contains("{\"start\":4194304,\"length\":1048576,\"depth\":0,\"present\":true,\"zero\":false,\"data\":true"),
                r.out());
        assertTrue(out.contains("{\"start\":5242880,\"length\":263192576,\"depth\":0,\"present\":true,\"zero\":true,\"data\":false"),
                r.out());
    }

    @Test
    void nbdcopyAndQemuImgConvert_moveOnlyTheData() throws Exception {
        Tools.require("nbdcopy");
        Tools.require("qemu-img");
        byte[] data = writeRandom(64 * MIB, (int) (2 * MIB), 3);
        long before = f.daemon.nbdBytesRead();
        Path out = tmp.resolve("out.img");
        Run c = Tools.run("nbdcopy", f.uri("sp"), out.toString());
        assertEquals(0, c.exit(), c.err());
        long moved = f.daemon.nbdBytesRead() - before;
        assertTrue(moved >= 2 * MIB && moved <= 4 * MIB, "nbdcopy read " + moved + " bytes of a 256 MiB export");
        assertEquals(256 * MIB, Files.size(out));
        assertArrayEquals(data, slice(out, 64 * MIB, data.length));
        assertTrue(SparseFiles.allocated(out) <= 8 * MIB, "the copy is sparse: " + SparseFiles.allocated(out));

        before = f.daemon.nbdBytesRead();
        Path q = tmp.resolve("q.img");
        Run qc = Tools.run("qemu-img", "convert", "-f", "raw", "-O", "raw", f.uri("sp"), q.toString());
        assertEquals(0, qc.exit(), qc.err());
        moved = f.daemon.nbdBytesRead() - before;
        assertTrue(moved >= 2 * MIB && moved <= 4 * MIB, "qemu-img convert read " + moved + " bytes");
        assertArrayEquals(data, slice(q, 64 * MIB, data.length));
    }

    @Test
    void copyingASparseImageIn_keepsTheBackingImageSparse_trimReadsZeros() throws Exception {
        Tools.require("nbdcopy");
        Tools.require("qemu-img");
        // The destination region first holds 32 MiB of data: the copy must free it, not fill it.
        long base = SparseFiles.allocated(f.image(0));
        Path full = tmp.resolve("full.img");
        byte[] rnd = new byte[(int) (32 * MIB)];
        new Random(4).nextBytes(rnd);
        Files.write(full, rnd);
        Run w = Tools.run("nbdcopy", full.toString(), f.uri("sp"));
        assertEquals(0, w.exit(), w.err());
        assertTrue(SparseFiles.allocated(f.image(0)) >= base + 32 * MIB);
        Path sparse = tmp.resolve("sparse.img");
        byte[] data = new byte[(int) MIB];
        new Random(5).nextBytes(data);
        try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
            raf.setLength(32 * MIB);
            raf.seek(8 * MIB);
            raf.write(data);
        }
        Run n = Tools.run("nbdcopy", sparse.toString(), f.uri("sp"));
        assertEquals(0, n.exit(), n.err());
        long after = SparseFiles.allocated(f.image(0));
        assertTrue(after <= base + 2 * MIB, "after nbdcopy: " + (after - base) + " bytes allocated for 1 MiB of data");
        Run q = Tools.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", full.toString(), f.uri("sp"));
        assertEquals(0, q.exit(), q.err());
        q = Tools.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", sparse.toString(), f.uri("sp"));
        assertEquals(0, q.exit(), q.err());
        after = SparseFiles.allocated(f.image(0));
        assertTrue(after <= base + 2 * MIB, "after qemu-img convert: " + (after - base) + " bytes allocated");
        Path back = tmp.resolve("back.img");
        Run b = Tools.run("nbdcopy", f.uri("sp"), back.toString());
        assertEquals(0, b.exit(), b.err());
        assertArrayEquals(data, slice(back, 8 * MIB, data.length));
        assertArrayEquals(new byte[(int) MIB], slice(back, 7 * MIB, (int) MIB), "zeros before the data");

        try (NbdTestClient c = NbdTestClient.go(f.nbdAddress(), "sp")) {
            assertEquals(0, c.reply(c.request(NbdProto.CMD_TRIM, 0, 8 * MIB, (int) MIB, null)));
            assertArrayEquals(new byte[(int) MIB], c.read(8 * MIB, (int) MIB), "trimmed: zeros");
        }
        assertTrue(SparseFiles.allocated(f.image(0)) <= base + 64 * 1024, "trim frees the data");
    }

    private static byte[] slice(Path p, long off, int len) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "r")) {
            byte[] b = new byte[len];
            raf.seek(off);
            raf.readFully(b);
            return b;
        }
    }
}
