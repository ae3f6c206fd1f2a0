package org.dmemu.dev.dm.target.crypt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XTS (IEEE 1619-2007) over two keyed {@link BlockPrimitive}s with 16-byte blocks: the data
 * key (first half of the key) and the tweak key (second half), as Linux's {@code xts()}.
 *
 * <p>Per call: the sector IVs are encrypted with the tweak key in one run; each sector's tweak
 * chain (multiplication by x in GF(2^128), little-endian, in two longs) is XORed into the data
 * and remembered; the whole run is encrypted or decrypted with the data key in one call (one
 * AES-NI loop for the JDK's AES) from a whitening buffer to the output (in place, the JDK
 * would copy its input first); the remembered tweaks are XORed in again. Sectors are whole
 * blocks, so no ciphertext stealing.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class Xts extends ChainMode {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final BlockPrimitive data;
    private final BlockPrimitive tweak;
    private final long[] tweaks;
    /** The whitened blocks: the cipher runs from here to the output (the JDK copies its input when both are one range). */
    private final byte[] whitened;
    /** The CBC state before a decryption call (see {@link JdkAes#decryptCbcRaw}). */
    private final byte[] prev = new byte[16];

    /** {@code maxBytes}: the largest run one call may transform. */
    public Xts(BlockPrimitive data, BlockPrimitive tweak, int maxBytes) {
        this.data = data;
        this.tweak = tweak;
        this.tweaks = new long[maxBytes / 8];
        this.whitened = new byte[maxBytes];
    }

    @Override
    public int ivSize() {
        return 16;
    }

    @Override
    public void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff, int sectorSize, int nsect,
                      byte[] ivs) {
        tweak.encrypt(ivs, 0, ivs, 0, nsect * 16);
        int len = nsect * sectorSize;
        long[] tw = tweaks;
        byte[] w = whitened;
        int t = 0;
        int p = 0;
        JdkAes cbc = !encrypt && data instanceof JdkAes aes ? aes : null;
        if (cbc != null) {
            // CBC-decrypt intrinsic: out[i] = D(w[i]) ^ w[i-1], so P[i] = out[i] ^ w[i-1] ^ T[i]; the
            // mask w[i-1] ^ T[i] is kept instead of T[i] (w[-1]: the state the cipher carries)
            cbc.chainState(prev);
            long ml = (long) LONGS.get(prev, 0);
            long mh = (long) LONGS.get(prev, 8);
            for (int s = 0; s < nsect; s++) {
                long lo = (long) LONGS.get(ivs, s * 16);
                long hi = (long) LONGS.get(ivs, s * 16 + 8);
                for (int end = p + sectorSize; p < end; p += 16) {
                    long wl = (long) LONGS.get(in, inOff + p) ^ lo;
                    long wh = (long) LONGS.get(in, inOff + p + 8) ^ hi;
                    LONGS.set(w, p, wl);
                    LONGS.set(w, p + 8, wh);
                    tw[t++] = ml ^ lo;
                    tw[t++] = mh ^ hi;
                    ml = wl;
                    mh = wh;
                    long carry = hi >> 63;
                    hi = (hi << 1) | (lo >>> 63);
                    lo = (lo << 1) ^ (carry & 0x87);
                }
            }
            cbc.decryptCbcRaw(w, 0, out, outOff, len, prev);
            t = 0;
            for (p = 0; p < len; p += 16) {
                LONGS.set(out, outOff + p, (long) LONGS.get(out, outOff + p) ^ tw[t++]);
                LONGS.set(out, outOff + p + 8, (long) LONGS.get(out, outOff + p + 8) ^ tw[t++]);
            }
            return;
        }
        for (int s = 0; s < nsect; s++) {
            long lo = (long) LONGS.get(ivs, s * 16);
            long hi = (long) LONGS.get(ivs, s * 16 + 8);
            for (int end = p + sectorSize; p < end; p += 16) {
                LONGS.set(w, p, (long) LONGS.get(in, inOff + p) ^ lo);
                LONGS.set(w, p + 8, (long) LONGS.get(in, inOff + p + 8) ^ hi);
                tw[t++] = lo;
                tw[t++] = hi;
                long carry = hi >> 63;
                hi = (hi << 1) | (lo >>> 63);
                lo = (lo << 1) ^ (carry & 0x87);
            }
        }
        t = 0;
        if (encrypt) {
            data.encrypt(w, 0, out, outOff, len);
        } else {
            data.decrypt(w, 0, out, outOff, len);
        }
        for (p = 0; p < len; p += 16) {
            LONGS.set(out, outOff + p, (long) LONGS.get(out, outOff + p) ^ tw[t++]);
            LONGS.set(out, outOff + p + 8, (long) LONGS.get(out, outOff + p + 8) ^ tw[t++]);
        }
    }

    /** The next tweak: {@code T * x} in GF(2^128) with the XTS (little-endian) bit order. */
    static void mulAlpha(long[] t) {
        long carry = t[1] >> 63;
        t[1] = (t[1] << 1) | (t[0] >>> 63);
        t[0] = (t[0] << 1) ^ (carry & 0x87);
    }

    @Override
    public void wipe() {
        data.wipe();
        tweak.wipe();
        java.util.Arrays.fill(tweaks, 0);
        java.util.Arrays.fill(whitened, (byte) 0);
    }
}
