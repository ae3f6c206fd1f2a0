package org.dmemu.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dmemu cryptsetup} without external tools: plain mode tables, usage errors, not-LUKS input. */
class CryptsetupCliTest {
    @TempDir
    Path dir;

    private static Kernel boot() throws Exception {
        return Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "mem:8M", 512)), Set.of("crypt"), false, false,
                null));
    }

    /** cryptsetup's plain hashing: HASH(pass) ‖ HASH("A" ‖ pass) ‖ … cut to the key size. */
    @Test
    void plain_passphraseHashedInRounds_tableAsCryptsetupBuildsIt() throws Exception {
        try (Kernel k = boot()) {
            var r = CryptsetupOracleTest.dmemu(k, "hunter2\n", "open", "--type", "plain", "--cipher", "aes-xts-plain64",
                    "--key-size", "512", "--hash", "sha256", "--offset", "8", "--skip", "16", "--size", "1024",
                    "/dev/wd1d", "p");
            assertEquals(0, r.exit(), r.err());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] a = md.digest("hunter2".getBytes(StandardCharsets.US_ASCII));
            byte[] b = md.digest("Ahunter2".getBytes(StandardCharsets.US_ASCII));
            String key = HexFormat.of().formatHex(a) + HexFormat.of().formatHex(b);
            assertEquals("0 1024 crypt aes-xts-plain64 " + key + " 16 0:19 8", CryptQemuOracleTest.table(k, "p"));
            var st = CryptsetupOracleTest.dmemu(k, "", "status", "p");
            assertTrue(st.out().contains("  type:    PLAIN\n"), st.out());
            assertTrue(st.out().contains("  skipped: 16 sectors\n"), st.out());
        }
    }

    /** A key file without --hash is the key itself (its first key-size bytes); the default cipher is aes-cbc-essiv:sha256. */
    @Test
    void plain_keyFileIsTheRawKey_defaults() throws Exception {
        byte[] raw = new byte[40];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (0xa0 + i);
        }
        Path kf = dir.resolve("key");
        Files.write(kf, raw);
        try (Kernel k = boot()) {
            var r = CryptsetupOracleTest.dmemu(k, "", "open", "--type", "plain", "--key-file", kf.toString(),
                    "--size", "64", "/dev/wd1d", "p");
            assertEquals(0, r.exit(), r.err());
            assertEquals("0 64 crypt aes-cbc-essiv:sha256 " + HexFormat.of().formatHex(raw, 0, 32) + " 0 0:19 0",
                    CryptQemuOracleTest.table(k, "p"));
        }
    }

    @Test
    void usageErrors_oneLine_exit1_nothingLoaded() throws Exception {
        Path notLuks = dir.resolve("zero.img");
        Files.write(notLuks, new byte[8192]);
        try (Kernel k = boot()) {
            String[][] cases = {
                {},
                {"frobnicate"},
                {"open", "--bogus", "/dev/wd1d", "x"},
                {"open", "/dev/wd1d"},
                {"open", "--type", "tcrypt", "/dev/wd1d", "x"},
                {"open", "/dev/wd1d", "x"},
                {"open", "--type", "plain", "/dev/wd1d", "x"},
                {"open", "--size", "abc", "/dev/wd1d", "x"},
            };
            for (String[] c : cases) {
                var r = CryptsetupOracleTest.dmemu(k, "pw\n", c);
                assertEquals(1, r.exit(), String.join(" ", c) + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith("dmemu cryptsetup: "), r.err());
            }
            var r = CryptsetupOracleTest.dmemu(k, "pw\n", "open", "--image", notLuks.toString(), "/dev/wd1d", "x");
            assertEquals(4, r.exit());
            assertEquals("dmemu cryptsetup: not a LUKS device (no LUKS magic)\n", r.err());
            r = CryptsetupOracleTest.dmemu(k, "", "luksDump", notLuks.toString());
            assertEquals(4, r.exit());
            assertEquals(List.of(), k.activeDmNames());
        }
    }
}
