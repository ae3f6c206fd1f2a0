package org.dmemu.dev.dm.target.crypt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;

/**
 * The hashes dm-crypt's ESSIV and the LUKS headers name, by their Linux crypto API / LUKS
 * names: sha1, sha224, sha256, sha384, sha512, md5 (JDK) and ripemd160/rmd160 (Bouncy Castle).
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class CryptHash {
    private CryptHash() {
    }

    /** The JDK algorithm name, "ripemd160" for RIPEMD-160, or null if unknown. */
    public static String jdkName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            case "md5" -> "MD5";
            case "ripemd160", "rmd160" -> "ripemd160";
            default -> null;
        };
    }

    /** True if {@code name} is a hash we implement. */
    public static boolean known(String name) {
        return jdkName(name) != null;
    }

    /** The digest length in bytes of a known hash. */
    public static int size(String name) {
        String j = jdkName(name);
        if (j.equals("ripemd160")) {
            return 20;
        }
        return md(j).getDigestLength();
    }

    /** HASH(parts…) of a known hash. */
    public static byte[] hash(String name, byte[]... parts) {
        String j = jdkName(name);
        if (j.equals("ripemd160")) {
            RIPEMD160Digest d = new RIPEMD160Digest();
            for (byte[] p : parts) {
                d.update(p, 0, p.length);
            }
            byte[] out = new byte[20];
            d.doFinal(out, 0);
            return out;
        }
        MessageDigest md = md(j);
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static MessageDigest md(String jdk) {
        try {
            return MessageDigest.getInstance(jdk);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
