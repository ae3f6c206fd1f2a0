package org.dmemu.dev.dm.target.crypt;

/**
 * CBC over a keyed {@link BlockPrimitive}, each sector chained from its own IV, as Linux's
 * {@code cbc()}. Decryption runs the whole request through the primitive at once (from a copy
 * of the ciphertext, which the chaining needs), then XORs; for the JDK's AES it runs the JDK's
 * own CBC decryption over the whole request and fixes each sector's first block. Encryption is
 * serial by nature.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class Cbc extends ChainMode {
    private final BlockPrimitive cipher;
    private final int bs;
    private final byte[] copy;
    private final byte[] prev = new byte[16];
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** {@code maxBytes}: the largest run one call may transform. */
    public Cbc(BlockPrimitive cipher, int maxBytes) {
        this.cipher = cipher;
        this.bs = cipher.blockSize();
        this.copy = new byte[maxBytes];
    }

    @Override
    public int ivSize() {
        return bs;
    }

    @Override
    public void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff, int sectorSize, int nsect,
                      byte[] ivs) {
        int len = nsect * sectorSize;
        if (encrypt) {
            for (int s = 0; s < nsect; s++) {
                byte[] prev = ivs;
                int prevOff = s * bs;
                int base = s * sectorSize;
                for (int p = base; p < base + sectorSize; p += bs) {
                    for (int i = 0; i < bs; i++) {
                        copy[i] = (byte) (in[inOff + p + i] ^ prev[prevOff + i]);
                    }
                    cipher.encrypt(copy, 0, out, outOff + p, bs);
                    prev = out;
                    prevOff = outOff + p;
                }
            }
            return;
        }
        System.arraycopy(in, inOff, copy, 0, len);
        if (cipher instanceof JdkAes aes) {
            // the JDK's CBC decryption chains within the run; only each sector's first block needs
            // the previous ciphertext block (or the carried state) swapped for the sector's IV
            aes.decryptCbcRaw(copy, 0, out, outOff, len, prev);
            for (int s = 0; s < nsect; s++) {
                int o = outOff + s * sectorSize;
                byte[] pb = s == 0 ? prev : copy;
                int po = s == 0 ? 0 : s * sectorSize - 16;
                LONGS.set(out, o, (long) LONGS.get(out, o) ^ (long) LONGS.get(pb, po) ^ (long) LONGS.get(ivs, s * 16));
                LONGS.set(out, o + 8, (long) LONGS.get(out, o + 8) ^ (long) LONGS.get(pb, po + 8)
                        ^ (long) LONGS.get(ivs, s * 16 + 8));
            }
            return;
        }
        cipher.decrypt(copy, 0, out, outOff, len);
        for (int s = 0; s < nsect; s++) {
            int base = s * sectorSize;
            for (int i = 0; i < bs; i++) {
                out[outOff + base + i] ^= ivs[s * bs + i];
            }
            for (int p = base + bs; p < base + sectorSize; p++) {
                out[outOff + p] ^= copy[p - bs];
            }
        }
    }

    @Override
    public void wipe() {
        cipher.wipe();
        java.util.Arrays.fill(copy, (byte) 0);
    }
}
