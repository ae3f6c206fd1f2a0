package org.dmemu.dev.dm.target.crypt;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES from the JDK ({@code AES/ECB/NoPadding}), which HotSpot runs on AES-NI: one
 * {@link Cipher#update} call per run of blocks keeps the intrinsic busy.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart; Linux's {@code aes} cipher).
 */
final class JdkAes implements BlockPrimitive {
    private final Cipher enc;
    private final Cipher dec;

    JdkAes(byte[] key, int off, int len) {
        try {
            SecretKeySpec k = new SecretKeySpec(key, off, len, "AES");
            enc = Cipher.getInstance("AES/ECB/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, k);
            dec = Cipher.getInstance("AES/ECB/NoPadding");
            dec.init(Cipher.DECRYPT_MODE, k);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("aes: " + e.getMessage(), e);
        }
    }

    @Override
    public int blockSize() {
        return 16;
    }

    @Override
    public void encrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
        run(enc, in, inOff, out, outOff, len);
    }

    @Override
    public void decrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
        run(dec, in, inOff, out, outOff, len);
    }

    private static void run(Cipher c, byte[] in, int inOff, byte[] out, int outOff, int len) {
        try {
            c.update(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            // cannot happen: NoPadding ECB with whole blocks and a large enough output
            throw new IllegalStateException(e);
        }
    }

    /** Re-keys both ciphers with zeros so the expanded schedule of the real key is dropped. */
    @Override
    public void wipe() {
        byte[] zero = new byte[16];
        try {
            enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(zero, "AES"));
            dec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(zero, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Arrays.fill(zero, (byte) 0);
    }
}
