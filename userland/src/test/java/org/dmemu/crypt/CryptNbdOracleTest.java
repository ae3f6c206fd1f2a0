package org.dmemu.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dmemu.cryptsetup.Cryptsetup;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.serve.ServeDaemon;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oracle over NBD: a LUKS1 volume made by cryptsetup, served by {@code dmemu serve --targets
 * crypt} and opened by {@code dmemu cryptsetup}; data written with nbdcopy into dmemu's crypt
 * export is what nbdkit's luks filter reads from the same image, and the image holds no
 * plaintext.
 */
class CryptNbdOracleTest {
    @TempDir
    Path dir;

    @Test
    void nbdcopyThroughDmemu_readBackByNbdkitLuksFilter() throws Exception {
        Tools.require("cryptsetup");
        Tools.require("nbdcopy");
        Tools.require("nbdkit");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "nbd pass");
        Path img = dir.resolve("vol.img");
        try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        Tools.Run r = Tools.run(List.of("cryptsetup", "luksFormat", "-q", "--type", "luks1", "--pbkdf-force-iterations",
                "1000", "--key-file", pw.toString(), img.toString()), null, 120);
        assertEquals(0, r.exit(), r.err());
        byte[] data = new byte[1 << 20];
        new Random(15).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Files.write(in, data);
        try (ServeDaemon d = ServeDaemon.start(new KernelConfig(List.of(new DiskSpec("wd1", "file:" + img, 512)),
                Set.of("crypt"), false, false, null), dir.resolve("control"), InetAddress.getLoopbackAddress(), 0)) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int rc = Cryptsetup.run(new UnixSocketTransport(d.controlPath()), new String[] {"open", "--key-file",
                pw.toString(), "--image", img.toString(), "/dev/wd1d", "vault"},
                    new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(e, true, StandardCharsets.UTF_8));
            assertEquals(0, rc, e.toString(StandardCharsets.UTF_8));
            String uri = "nbd://127.0.0.1:" + d.nbdAddress().getPort() + "/vault";
            r = Tools.run(List.of("nbdcopy", in.toString(), uri), null, 60);
            assertEquals(0, r.exit(), r.err());
        }
        byte[] raw = Files.readAllBytes(img);
        for (int i = 0; i + 64 <= raw.length; i += 4096) {
            assertFalse(Arrays.equals(Arrays.copyOf(data, 64), Arrays.copyOfRange(raw, i, i + 64)), "plaintext at " + i);
        }
        Path out = dir.resolve("out.bin");
        r = Tools.run(List.of("nbdkit", "-U", "-", "--filter=luks", "file", img.toString(), "passphrase=nbd pass",
                "--run", "nbdcopy \"$uri\" " + out), null, 120);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(data, Arrays.copyOf(Files.readAllBytes(out), data.length));
    }
}
