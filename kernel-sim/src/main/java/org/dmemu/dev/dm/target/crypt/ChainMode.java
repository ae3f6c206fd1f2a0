package org.dmemu.dev.dm.target.crypt;

/**
 * A chaining mode over a {@link BlockPrimitive}: Linux's {@code xts()}, {@code cbc()} and
 * {@code ecb()} templates. {@link #crypt} transforms {@code nsect} consecutive sectors, sector
 * {@code s} with the IV at {@code ivs[s * ivSize()]}. The IV area is scratch: modes may
 * overwrite it. No allocation per call.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public abstract class ChainMode {
    /** Bytes of IV per sector ({@code crypto_skcipher_ivsize}); 0 for ecb. */
    public abstract int ivSize();

    /** Encrypts or decrypts {@code nsect * sectorSize} bytes from {@code in} to {@code out} (may be the same range). */
    public abstract void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff, int sectorSize,
                               int nsect, byte[] ivs);

    /** Drops the key schedules. */
    public abstract void wipe();
}
