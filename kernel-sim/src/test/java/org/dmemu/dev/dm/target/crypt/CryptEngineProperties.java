package org.dmemu.dev.dm.target.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Sector math and chaining of {@link CryptEngine}, for every cipher/mode/IV it implements. */
class CryptEngineProperties {
    @Provide
    Arbitrary<String> specs() {
        return Arbitraries.of("aes-xts-plain64", "aes-xts-plain", "aes-xts-plain64be", "aes-xts-benbi", "aes-xts-null",
                "aes-cbc-essiv:sha256", "aes-cbc-plain64", "aes-ecb", "serpent-xts-plain64", "twofish-cbc-essiv:sha256",
                "cast5-cbc-plain64", "camellia-xts-plain64", "aes:4-cbc-plain64", "capi:xts(aes)-plain64",
                "serpent-cbc-benbi");
    }

    private static byte[] key(String spec, long seed) {
        int len = spec.contains("xts") ? 64 : spec.startsWith("cast5") ? 16 : spec.startsWith("aes:4") ? 128 : 32;
        byte[] k = new byte[len];
        new java.util.Random(seed).nextBytes(k);
        return k;
    }

    /** One call over n sectors equals n one-sector calls; decryption inverts; the data changed. */
    @Property(tries = 60)
    void runEqualsSectorBySector_andInverts(@ForAll("specs") String spec, @ForAll @IntRange(min = 1, max = 40) int n,
                                            @ForAll @LongRange(min = 0, max = 1L << 40) long sector,
                                            @ForAll @IntRange(min = 0, max = 3) int shift, @ForAll boolean large)
            throws Exception {
        int ss = 512 << shift;
        long first = sector & -(ss >> 9);
        byte[] k = key(spec, sector);
        byte[] plain = new byte[n * ss];
        new java.util.Random(n).nextBytes(plain);
        CryptEngine a = new CryptEngine(CryptSpec.parse(spec), k, ss, large);
        CryptEngine b = new CryptEngine(CryptSpec.parse(spec), k, ss, large);
        byte[] whole = new byte[plain.length];
        a.crypt(true, plain, 0, whole, 0, plain.length, first);
        byte[] pieces = plain.clone();
        for (int s = 0; s < n; s++) {
            b.crypt(true, pieces, s * ss, pieces, s * ss, ss, first + (long) s * (ss >> 9));
        }
        assertArrayEquals(whole, pieces);
        assertFalse(Arrays.equals(plain, whole));
        byte[] back = new byte[whole.length];
        for (int s = n - 1; s >= 0; s--) { // consecutive out-of-place calls on one engine, out of order
            b.crypt(false, whole, s * ss, back, s * ss, ss, first + (long) s * (ss >> 9));
        }
        assertArrayEquals(plain, back);
        a.crypt(false, whole, 0, whole, 0, whole.length, first);
        assertArrayEquals(plain, whole);
    }

    /** aes-cbc-plain64 equals the JDK's own AES/CBC with the plain64 IV, sector by sector. */
    @Property(tries = 30)
    void aesCbcPlain64_equalsJdkCbc(@ForAll @IntRange(min = 1, max = 9) int n,
                                    @ForAll @LongRange(min = 0, max = 1L << 40) long sector) throws Exception {
        byte[] k = key("aes-cbc-plain64", sector);
        byte[] plain = new byte[n * 512];
        new java.util.Random(sector).nextBytes(plain);
        byte[] mine = plain.clone();
        new CryptEngine(CryptSpec.parse("aes-cbc-plain64"), k, 512, false).crypt(true, mine, 0, mine, 0, mine.length, sector);
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        for (int s = 0; s < n; s++) {
            byte[] iv = new byte[16];
            java.nio.ByteBuffer.wrap(iv).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(sector + s);
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(iv));
            assertArrayEquals(c.doFinal(plain, s * 512, 512), Arrays.copyOfRange(mine, s * 512, s * 512 + 512));
        }
    }
}
