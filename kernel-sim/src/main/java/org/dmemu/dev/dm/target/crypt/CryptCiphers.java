package org.dmemu.dev.dm.target.crypt;

import org.bouncycastle.crypto.engines.CAST5Engine;
import org.bouncycastle.crypto.engines.CamelliaEngine;
import org.bouncycastle.crypto.engines.SerpentEngine;
import org.bouncycastle.crypto.engines.TwofishEngine;

/**
 * The block ciphers a crypt table may name, with the key sizes Linux's crypto API accepts for
 * them: {@code aes} (JDK, 16/24/32 bytes), {@code serpent}, {@code twofish}, {@code camellia}
 * (Bouncy Castle, 16/24/32), {@code cast5} (Bouncy Castle, 5–16, 8-byte blocks) and
 * {@code cipher_null} (no key, identity, {@code ecb} only).
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart). From Linux: serpent keys shorter
 * than 16 bytes (Linux pads them) are refused.
 */
public final class CryptCiphers {
    /** The null cipher cryptsetup uses for unencrypted LUKS2 segments. */
    public static final String NULL = "cipher_null";

    private CryptCiphers() {
    }

    /** True if {@code name} is a cipher this target implements. */
    public static boolean known(String name) {
        return switch (name) {
            case "aes", "serpent", "twofish", "cast5", "camellia", NULL -> true;
            default -> false;
        };
    }

    /** The block size of a known cipher. */
    public static int blockSize(String name) {
        return switch (name) {
            case "cast5" -> 8;
            case NULL -> 1;
            default -> 16;
        };
    }

    /** True if the cipher takes a key of {@code len} bytes. */
    public static boolean validKeySize(String name, int len) {
        return switch (name) {
            case "cast5" -> len >= 5 && len <= 16;
            case NULL -> len == 0;
            default -> len == 16 || len == 24 || len == 32;
        };
    }

    /** A primitive keyed with {@code key[off, off+len)}; the caller has checked the size. */
    public static BlockPrimitive create(String name, byte[] key, int off, int len) {
        return switch (name) {
            case "aes" -> new JdkAes(key, off, len);
            case "serpent" -> new BcBlock(new SerpentEngine(), new SerpentEngine(), key, off, len);
            case "twofish" -> new BcBlock(new TwofishEngine(), new TwofishEngine(), key, off, len);
            case "cast5" -> new BcBlock(new CAST5Engine(), new CAST5Engine(), key, off, len);
            case "camellia" -> new BcBlock(new CamelliaEngine(), new CamelliaEngine(), key, off, len);
            case NULL -> new NullBlock();
            default -> throw new IllegalArgumentException("unknown cipher " + name);
        };
    }

    /** {@code cipher_null}: copies. */
    private static final class NullBlock implements BlockPrimitive {
        @Override
        public int blockSize() {
            return 1;
        }

        @Override
        public void encrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
            System.arraycopy(in, inOff, out, outOff, len);
        }

        @Override
        public void decrypt(byte[] in, int inOff, byte[] out, int outOff, int len) {
            System.arraycopy(in, inOff, out, outOff, len);
        }

        @Override
        public void wipe() {
        }
    }
}
