package org.dmemu.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dmemu.cryptsetup.Cryptsetup;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.KernelTransport;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oracle: cryptsetup luksFormat makes LUKS1 and LUKS2 volumes (PBKDF2, Argon2i, Argon2id);
 * {@code dmemu cryptsetup} must recover the volume key luksDump reports, load exactly the
 * table cryptsetup would, refuse a wrong passphrase, and (LUKS1) write data qemu-img reads.
 */
class CryptsetupOracleTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run dmemu(Kernel k, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int x = Cryptsetup.run(k == null ? null : new KernelTransport(k), args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(x, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private Path format(String name, String... opts) throws Exception {
        Path img = dir.resolve(name);
        try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(20 << 20);
        }
        List<String> cmd = new ArrayList<>(List.of("cryptsetup", "luksFormat", "-q", "--key-file", dir.resolve("pw").toString()));
        cmd.addAll(List.of(opts));
        cmd.add(img.toString());
        Tools.Run r = Tools.run(cmd, null, 120);
        assertEquals(0, r.exit(), r.err());
        return img;
    }

    @Test
    void luks1AndLuks2_sameVolumeKeyAsLuksDump_tableAsCryptsetupBuildsIt() throws Exception {
        Tools.require("cryptsetup");
        Files.writeString(dir.resolve("pw"), "correct horse");
        String[][] volumes = {
            {"l1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000", "--hash", "sha256"},
            {"l1s.img", "--type", "luks1", "--pbkdf-force-iterations", "1000", "--hash", "sha1", "--cipher",
                "aes-cbc-essiv:sha256", "--key-size", "256"},
            {"l2id.img", "--type", "luks2", "--pbkdf", "argon2id", "--pbkdf-memory", "8192", "--iter-time", "50"},
            {"l2i.img", "--type", "luks2", "--pbkdf", "argon2i", "--pbkdf-memory", "8192", "--iter-time", "50",
                "--sector-size", "512", "--cipher", "aes-xts-plain64", "--key-size", "256"},
            {"l2p.img", "--type", "luks2", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", "--hash", "sha512"},
        };
        for (String[] v : volumes) {
            Path img = format(v[0], Arrays.copyOfRange(v, 1, v.length));
            LuksOracle o = LuksOracle.dump(img, dir.resolve("pw"));
            Tools.Run real = Tools.run(List.of("cryptsetup", "luksDump", "--dump-volume-key", "-q", "--key-file",
                    dir.resolve("pw").toString(), img.toString()), null, 60);
            Run mine = dmemu(null, "", "luksDump", "--dump-volume-key", "--key-file", dir.resolve("pw").toString(),
                    img.toString());
            assertEquals(0, mine.exit(), mine.err());
            assertEquals(real.out(), mine.out(), v[0]);

            try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "file:" + img, 512)),
                    Set.of("crypt"), false, false, null))) {
                Run bad = dmemu(k, "wrong\n", "open", "--type", "luks", "--image", img.toString(), "/dev/wd1d", "c");
                assertEquals(2, bad.exit());
                assertEquals("No key available with this passphrase.\n", bad.err());
                assertEquals(List.of(), k.activeDmNames());
                Run ok = dmemu(k, "correct horse\n", "open", "--type", v[2].equals("luks1") ? "luks1" : "luks2",
                        "--image", img.toString(), "/dev/wd1d", "c");
                assertEquals(0, ok.exit(), ok.err());
                long size = (20 << 20) / 512 - o.payloadSectors();
                String want = "0 " + size + " crypt " + o.cipher() + " " + o.hexKey() + " 0 1:3 "
                        + o.payloadSectors() + (o.sectorSize() != 512 ? " 1 sector_size:" + o.sectorSize() : "");
                Run st = dmemu(k, "", "status", "c");
                assertEquals(0, st.exit(), st.err());
                assertTrue(st.out().contains("  cipher:  " + o.cipher() + "\n"), st.out());
                assertTrue(st.out().contains("  type:    LUKS" + (v[2].equals("luks1") ? 1 : 2) + "\n"), st.out());
                assertTrue(st.out().contains("  keysize: " + o.key().length * 8 + " bits\n"), st.out());
                assertEquals(want, CryptQemuOracleTest.table(k, "c").replace(" 0:19 ", " 1:3 ").replaceAll(" \\d+:\\d+ ", " 1:3 "),
                        v[0]);
                assertEquals(0, dmemu(k, "", "close", "c").exit());
                assertEquals(4, dmemu(k, "", "close", "c").exit());
            }
        }
    }

    /** LUKS1 by cryptsetup, data by dmemu, read back by qemu-img's LUKS driver. */
    @Test
    void luks1_dmemuWrites_qemuReads() throws Exception {
        Tools.require("cryptsetup");
        Tools.require("qemu-img");
        Files.writeString(dir.resolve("pw"), "pw1");
        Path img = format("q.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        byte[] data = new byte[256 * 1024];
        new Random(9).nextBytes(data);
        try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "file:" + img, 512)), Set.of("crypt"),
                false, false, null))) {
            Run ok = dmemu(k, "", "open", "--key-file", dir.resolve("pw").toString(), "--image", img.toString(),
                    "/dev/wd1d", "c");
            assertEquals(0, ok.exit(), ok.err());
            assertEquals(Errno.NONE, CryptQemuOracleTest.io(k, false, 0, data));
        }
        Path out = dir.resolve("o.raw");
        Tools.Run r = Tools.run(List.of("qemu-img", "convert", "--object", "secret,id=s,data=pw1", "--image-opts",
                "driver=luks,key-secret=s,file.filename=" + img, "-O", "raw", out.toString()), null, 120);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(data, Arrays.copyOf(Files.readAllBytes(out), data.length));
    }
}
