package org.dmemu.dev.dm.target.crypt;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A Bouncy Castle lightweight block cipher (Serpent, Twofish, CAST5, Camellia: the ciphers the
 * JDK lacks) as a {@link BlockPrimitive}: one engine for each direction, block by block.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart; Linux's crypto API ciphers).
 */
final class BcBlock implements BlockPrimitive {
    private final BlockCipher enc;
    private final BlockCipher dec;
    private final int bs;

    BcBlock(BlockCipher enc, BlockCipher dec, byte[] key, int off, int len) {
        KeyParameter k = new KeyParameter(key, off, len);
        enc.init(true, k);
        dec.init(false, k);
        this.enc = enc;
        this.dec = dec;
        this.bs = enc.getBlockSize();
    }

    @Override
    public int blockSize() {
        return bs;
    }

    @Override
    public void encrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
        for (int i = 0; i < len; i += bs) {
            enc.processBlock(in, inOff + i, out, outOff + i);
        }
    }

    @Override
    public void decrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
        for (int i = 0; i < len; i += bs) {
            dec.processBlock(in, inOff + i, out, outOff + i);
        }
    }

    /** Re-keys both engines with a zero key of a size every supported cipher accepts. */
    @Override
    public void wipe() {
        KeyParameter z = new KeyParameter(new byte[16]);
        enc.init(true, z);
        dec.init(false, z);
    }
}
