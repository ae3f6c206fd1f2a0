package org.dmemu.dev.dm.target.crypt;

/**
 * CBC over a keyed {@link BlockPrimitive}, each sector chained from its own IV, as Linux's
 * {@code cbc()}. Decryption runs the whole request through the primitive at once (from a copy
 * of the ciphertext, which the chaining needs), then XORs; encryption is serial by nature.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class Cbc extends ChainMode {
    private final BlockPrimitive cipher;
    private final int bs;
    private final byte[] copy;

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
