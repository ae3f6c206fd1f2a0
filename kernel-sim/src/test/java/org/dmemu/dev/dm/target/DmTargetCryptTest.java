package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.TraceEvent;
import org.dmemu.sys.TraceText;
import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** The crypt target: argument errors, table/status strings, I/O, key hygiene. */
class DmTargetCryptTest {
    static final String KEY64 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
    static final String KEY32 = KEY64.substring(0, 64);

    private static String tableParams(DmTestSupport t, String name, int flags) {
        PropDictionary r = t.call(req("table", "name", name, "flags", flags));
        return ((PropDictionary) r.getArray("cmd_data").get(0)).getString("params");
    }

    @Test
    void notRegisteredByDefault() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            t.reload("a", line(0, 8, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0"));
            assertEquals(Errno.ENOENT, t.herr());
        }
    }

    @Test
    void everyBadArgument_EINVAL_withMessageNamingIt() {
        String[][] cases = {
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a", "Not enough arguments"},
            {"aes-xts-plain64 :64:logon:mykey 0 /dev/wd1a 0", "no keyring"},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 7 a b c d e f g", "Invalid number of feature args \"7\""},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 2 allow_discards", "Insufficient arguments"},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 bogus", "Invalid feature arguments \"bogus\""},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 sector_size:1000", "sector_size \"1000\""},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 sector_size:8192", "sector_size \"8192\""},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 integrity:28:aead", "integrity"},
            {"aes-xts(aes)-plain64 " + KEY64 + " 0 /dev/wd1a 0", "Bad cipher specification"},
            {"aes:3-cbc-plain " + KEY32 + " 0 /dev/wd1a 0", "key count specification \"3\""},
            {"aes-cbc " + KEY32 + " 0 /dev/wd1a 0", "IV mechanism required"},
            {"aes-cbc-essiv " + KEY32 + " 0 /dev/wd1a 0", "Digest algorithm missing"},
            {"aes-cbc-essiv:whirl " + KEY32 + " 0 /dev/wd1a 0", "ESSIV hash \"whirl\""},
            {"blowfish-cbc-plain " + KEY32 + " 0 /dev/wd1a 0", "unknown cipher \"blowfish\""},
            {"aes-gcm-plain " + KEY32 + " 0 /dev/wd1a 0", "chain mode \"gcm\""},
            {"cast5-xts-plain64 " + KEY32 + " 0 /dev/wd1a 0", "xts needs a 16-byte block cipher"},
            {"aes-cbc-lmk " + KEY32 + " 0 /dev/wd1a 0", "Invalid IV mode \"lmk\""},
            {"aes-xts-plain64 " + KEY32.substring(1) + " 0 /dev/wd1a 0", "odd number of hex digits"},
            {"aes-xts-plain64 " + KEY64.replace('f', 'g') + " 0 /dev/wd1a 0", "not a hex digit"},
            {"aes-xts-plain64 " + KEY32.substring(0, 40) + " 0 /dev/wd1a 0", "20-byte key does not fit"},
            {"aes-cbc-essiv:sha1 " + KEY32 + " 0 /dev/wd1a 0", "sha1 salt"},
            {"aes-xts-plain64 " + KEY64 + " x1 /dev/wd1a 0", "Invalid iv_offset sector \"x1\""},
            {"aes-xts-plain64 " + KEY64 + " 1 /dev/wd1a 0 1 sector_size:4096", "Invalid iv_offset sector 1"},
            {"aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a -5", "Invalid device sector \"-5\""},
        };
        try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
            t.create("a");
            for (String[] c : cases) {
                t.reload("a", line(0, 8, "crypt", c[0]));
                assertEquals(Errno.EINVAL, t.herr(), c[0]);
                String msg = initMessage(t, c[0]);
                assertTrue(msg.contains(c[1]), c[0] + " -> " + msg);
                assertFalse(msg.contains(KEY32), "key echoed: " + msg);
            }
            t.reload("a", line(0, 8, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd9a 0"));
            assertEquals(Errno.ENOENT, t.herr());
            t.reload("a", line(0, 12, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 sector_size:4096"));
            assertEquals(Errno.EINVAL, t.herr()); // 12 sectors is not a multiple of 8
            assertEquals(0, t.k.deviceMapper().pdevs().snapshot().size(), "no pdev left behind");
        }
    }

    /** The DmException message of init on a fresh entry (what the trace line shows). */
    private static String initMessage(DmTestSupport t, String params) {
        DmTableEntry en = new DmTableEntry(0, 8, new DmTargetCrypt(), params);
        String[] argv = params.split(" ");
        try {
            new DmTargetCrypt().init(t.k.deviceMapper().pdevs(), en, argv);
        } catch (DmException e) {
            return e.getMessage();
        }
        throw new AssertionError("init accepted " + params);
    }

    @Test
    void table_asLinuxPrintsIt_infoEmpty_versionAndFeatures() {
        try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
            t.up("a", line(0, 64, "crypt", "aes-xts-plain64 " + KEY64.toUpperCase() + " 8 /dev/wd1a 100 5 ALLOW_DISCARDS "
                    + "submit_from_crypt_cpus same_cpu_crypt iv_large_sectors sector_size:4096"));
            assertEquals("aes-xts-plain64 " + KEY64 + " 8 0:16 100 5 allow_discards same_cpu_crypt submit_from_crypt_cpus"
                    + " sector_size:4096 iv_large_sectors", tableParams(t, "a", 0x10));
            assertEquals("", tableParams(t, "a", 0));
            t.up("b", line(0, 8, "crypt", "capi:cbc(aes)-essiv:sha256 " + KEY32 + " 0 /dev/wd1a 0 0"));
            assertEquals("capi:cbc(aes)-essiv:sha256 " + KEY32 + " 0 0:16 0", tableParams(t, "b", 0x10));
            t.up("c", line(0, 8, "crypt", "cipher_null-ecb - 0 /dev/wd1a 0"));
            assertEquals("cipher_null-ecb - 0 0:16 0", tableParams(t, "c", 0x10));
            PropDictionary v = t.call(req("targets", "flags", 0));
            String names = v.toString();
            assertTrue(names.contains("crypt"), names);
        }
    }

    @Test
    void writeThenRead_roundTrips_diskHoldsCiphertext_callerDataUntouched() {
        for (String spec : List.of("aes-xts-plain64 " + KEY64, "aes-cbc-essiv:sha256 " + KEY32, "serpent-xts-plain64 " + KEY64,
                "twofish-cbc-plain " + KEY32, "cast5-cbc-plain64 " + KEY32.substring(0, 32), "camellia-ecb " + KEY32)) {
            for (String opts : List.of("", " 1 sector_size:4096", " 2 sector_size:1024 iv_large_sectors")) {
                try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
                    t.up("a", line(0, 4096, "crypt", spec + " 0 /dev/wd1a 64" + opts));
                    byte[] data = new byte[200 * 1024];
                    new java.util.Random(7).nextBytes(data);
                    byte[] copy = data.clone();
                    assertEquals(Errno.NONE, t.io("/dev/mapper/a", false, 16, data).error(), spec + opts);
                    assertArrayEquals(copy, data, "caller's buffer changed");
                    byte[] back = new byte[data.length];
                    assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 16, back).error());
                    assertArrayEquals(copy, back, spec + opts);
                    byte[] raw = new byte[data.length];
                    t.io("/dev/rwd1a", true, 64 + 16, raw);
                    assertFalse(Arrays.equals(copy, raw), "disk holds plaintext");
                    assertFalse(Arrays.equals(Arrays.copyOf(raw, 512), Arrays.copyOfRange(raw, 512, 1024)));
                }
            }
        }
    }

    /** crypt over another dm device (/dev/mapper/lin): the write bounce buf goes through a stacked dmstrategy. */
    @Test
    void stackedOnLinear_roundTrips() {
        try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
            t.up("lin", line(0, 8192, "linear", "/dev/wd1a 100"));
            t.up("c", line(0, 8000, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/mapper/lin 64"));
            byte[] data = new byte[256 * 1024];
            new java.util.Random(3).nextBytes(data);
            assertEquals(Errno.NONE, t.io("/dev/mapper/c", false, 8, data.clone()).error());
            byte[] back = new byte[data.length];
            assertEquals(Errno.NONE, t.io("/dev/mapper/c", true, 8, back).error());
            assertArrayEquals(data, back);
            byte[] raw = new byte[data.length];
            assertEquals(Errno.NONE, t.io("/dev/rwd1a", true, 100 + 64 + 8, raw).error());
            assertFalse(Arrays.equals(data, raw));
            byte[] plain = new byte[data.length];
            t.up("c2", line(0, 8000, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 164"));
            assertEquals(Errno.NONE, t.io("/dev/mapper/c2", true, 8, plain).error());
            assertArrayEquals(data, plain, "same ciphertext as crypt directly on the disk");
        }
    }

    @Test
    void unalignedToSectorSize_EIO() {
        try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
            t.up("a", line(0, 64, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0 1 sector_size:4096"));
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 1, new byte[4096]).error());
            assertEquals(Errno.EIO, t.io("/dev/mapper/a", true, 0, new byte[512]).error());
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 8, new byte[4096]).error());
        }
    }

    @Test
    void keyNeverInTrace_wipedOnDestroy() throws IOException {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "mem:8M", 512)), Set.of("crypt"), false, false,
                new TraceText(new PrintStream(trace, true, StandardCharsets.UTF_8)).andThen(events::add)));
        try (DmTestSupport t = new DmTestSupport(k)) {
            t.up("a", line(0, 64, "crypt", "aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0"));
            t.io("/dev/mapper/a", true, 0, new byte[4096]);
            t.reload("a", line(0, 64, "crypt", "aes-xts-plain64 " + KEY64 + " zz /dev/wd1a 0"));
            String s = trace.toString(StandardCharsets.UTF_8);
            assertTrue(s.contains("crypt \"aes-xts-plain64 " + "0".repeat(128) + " 0 /dev/wd1a 0\""), s);
            assertTrue(s.contains("dm_target_crypt_strategy: read 8 sectors"), s);
            assertFalse(s.contains(KEY64.substring(0, 16)), s);
            assertTrue(events.stream().anyMatch(e -> e.function().equals("dm_target_crypt_strategy")));
            for (TraceEvent e : events) {
                for (Object v : e.args()) {
                    assertFalse(String.valueOf(v).contains(KEY64.substring(0, 16)), e.function() + " " + e.values());
                }
            }
            assertTrue(k.deviceMapper().messages().stream().noneMatch(m -> m.contains(KEY64.substring(0, 16))));
        }
        try (DmTestSupport t = new DmTestSupport(Set.of("crypt"), false)) {
            DmTableEntry en = new DmTableEntry(0, 8, new DmTargetCrypt(), null);
            DmTargetCrypt c = new DmTargetCrypt();
            c.init(t.k.deviceMapper().pdevs(), en, ("aes-xts-plain64 " + KEY64 + " 0 /dev/wd1a 0").split(" "));
            DmTargetCrypt.Config cfg = (DmTargetCrypt.Config) en.config();
            cfg.engine();
            assertEquals(1, cfg.key[1]);
            c.destroy(t.k.deviceMapper().pdevs(), en);
            assertArrayEquals(new byte[64], cfg.key);
            assertEquals(0, t.k.deviceMapper().pdevs().snapshot().size());
        } catch (DmException e) {
            throw new AssertionError(e);
        }
    }
}
