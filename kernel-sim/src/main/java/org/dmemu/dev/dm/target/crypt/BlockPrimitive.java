package org.dmemu.dev.dm.target.crypt;

/**
 * A block cipher keyed once, applied to whole runs of blocks (the ECB primitive the chaining
 * modes are built on, as Linux's {@code crypto_cipher} is under {@code xts()}/{@code cbc()}).
 *
 * <p>Not thread-safe: each I/O thread uses its own instance (see {@link CryptEngine}).
 *
 * <p>Differences from NetBSD: NetBSD's dm has no crypt target; this follows Linux's dm-crypt.
 */
public interface BlockPrimitive {
    /** The cipher block size in bytes (16, or 8 for cast5). */
    int blockSize();

    /** Encrypts {@code len} bytes (a multiple of the block size) block by block; in == out allowed. */
    void encrypt(byte[] in, int inOff, byte[] out, int outOff, int len);

    /** Decrypts {@code len} bytes block by block; in == out at the same offset allowed. */
    void decrypt(byte[] in, int inOff, byte[] out, int outOff, int len);

    /** Overwrites the key schedule as far as the implementation allows. */
    void wipe();
}
