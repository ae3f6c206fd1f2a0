package org.dmemu.dev.dm.target.crypt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES from the JDK ({@code AES/ECB/NoPadding}), which HotSpot runs on AES-NI: one
 * {@link Cipher#update} call per run of blocks keeps the intrinsic busy.
 *
 * <p>Out-of-place decryption goes through the JDK's CBC decryption, whose intrinsic pipelines
 * several blocks at once (ECB's runs block by block on most JDKs): CBC gives
 * {@code D(c[i]) ^ c[i-1]}, so XORing {@code c[i-1]} back (and, for the first block, the last
 * block of the previous call, which is the CBC state the cipher carries) leaves exactly
 * {@code D(c[i])}. No re-initialisation, no allocation.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart; Linux's {@code aes} cipher).
 */
final class JdkAes implements BlockPrimitive {
    private final Cipher enc;
    private final Cipher dec;
    private final Cipher cbcDec;
    /** The CBC chaining state {@link #cbcDec} carries: the last input block it saw. */
    private final byte[] chain = new byte[16];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    JdkAes(byte[] key, int off, int len) {
        try {
            SecretKeySpec k = new SecretKeySpec(key, off, len, "AES");
            enc = Cipher.getInstance("AES/ECB/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, k);
            dec = Cipher.getInstance("AES/ECB/NoPadding");
            dec.init(Cipher.DECRYPT_MODE, k);
            cbcDec = Cipher.getInstance("AES/CBC/NoPadding");
            cbcDec.init(Cipher.DECRYPT_MODE, k, new IvParameterSpec(new byte[16]));
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
        if (in == out && inOff < outOff + len && outOff < inOff + len) {
            run(dec, in, inOff, out, outOff, len);
            return;
        }
        run(cbcDec, in, inOff, out, outOff, len);
        LONGS.set(out, outOff, (long) LONGS.get(out, outOff) ^ (long) LONGS.get(chain, 0));
        LONGS.set(out, outOff + 8, (long) LONGS.get(out, outOff + 8) ^ (long) LONGS.get(chain, 8));
        for (int p = 16; p < len; p += 8) {
            LONGS.set(out, outOff + p, (long) LONGS.get(out, outOff + p) ^ (long) LONGS.get(in, inOff + p - 16));
        }
        System.arraycopy(in, inOff + len - 16, chain, 0, 16);
    }

    /**
     * The raw CBC decryption {@link #decrypt} corrects: {@code out[i] = D(in[i]) ^ in[i-1]},
     * block 0 XORed with the 16 bytes this method copies into {@code prev} (the state carried
     * from the previous call). The caller XORs the correction itself (XTS folds it into its
     * tweak pass). {@code in} and {@code out} must not overlap.
     */
    /** Copies the CBC state {@link #decryptCbcRaw} will chain the next call's first block with. */
    void chainState(byte[] into) {
        System.arraycopy(chain, 0, into, 0, 16);
    }

    void decryptCbcRaw(byte[] in, int inOff, byte[] out, int outOff, int len, byte[] prev) {
        System.arraycopy(chain, 0, prev, 0, 16);
        run(cbcDec, in, inOff, out, outOff, len);
        System.arraycopy(in, inOff + len - 16, chain, 0, 16);
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
            cbcDec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(zero, "AES"), new IvParameterSpec(zero));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Arrays.fill(chain, (byte) 0);
    }
}
