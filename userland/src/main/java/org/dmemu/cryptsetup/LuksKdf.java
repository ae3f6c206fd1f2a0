package org.dmemu.cryptsetup;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.dmemu.dev.dm.target.crypt.CryptHash;

/**
 * The key derivation functions of LUKS: PBKDF2 (RFC 8018) over the JDK's HMAC (Bouncy
 * Castle's for ripemd160), taking the passphrase as raw bytes as cryptsetup does, and Argon2i /
 * Argon2id (RFC 9106, version 0x13) from Bouncy Castle; and the anti-forensic merge
 * ({@code AF_merge} of cryptsetup's lib/luks1/af.c, written from the LUKS1 specification).
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
final class LuksKdf {
    private LuksKdf() {
    }

    /** PBKDF2-HMAC-{@code hash}(pass, salt, iterations) → {@code len} bytes. */
    static byte[] pbkdf2(String hash, byte[] pass, byte[] salt, long iterations, int len) {
        Prf prf = prf(hash, pass);
        int hl = prf.size();
        byte[] out = new byte[len];
        byte[] u = new byte[hl];
        byte[] t = new byte[hl];
        byte[] ctr = new byte[4];
        for (int block = 1, off = 0; off < len; block++, off += hl) {
            ctr[0] = (byte) (block >>> 24);
            ctr[1] = (byte) (block >>> 16);
            ctr[2] = (byte) (block >>> 8);
            ctr[3] = (byte) block;
            prf.mac(u, salt, ctr);
            System.arraycopy(u, 0, t, 0, hl);
            for (long i = 1; i < iterations; i++) {
                prf.mac(u, u, null);
                for (int j = 0; j < hl; j++) {
                    t[j] ^= u[j];
                }
            }
            System.arraycopy(t, 0, out, off, Math.min(hl, len - off));
        }
        java.util.Arrays.fill(u, (byte) 0);
        java.util.Arrays.fill(t, (byte) 0);
        return out;
    }

    /** Argon2i or Argon2id ({@code type}: "argon2i"/"argon2id"), version 1.3. */
    static byte[] argon2(String type, byte[] pass, byte[] salt, int time, int memoryKiB, int lanes, int len) {
        int t = type.equals("argon2i") ? Argon2Parameters.ARGON2_i : Argon2Parameters.ARGON2_id;
        Argon2Parameters p = new Argon2Parameters.Builder(t).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(time).withMemoryAsKB(memoryKiB).withParallelism(lanes).withSalt(salt).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(p);
        byte[] out = new byte[len];
        g.generateBytes(pass, out);
        return out;
    }

    /** AF merge: {@code stripes} blocks of {@code len} bytes → the key, diffusing with {@code hash}. */
    static byte[] afMerge(byte[] split, int len, int stripes, String hash) {
        byte[] d = new byte[len];
        for (int s = 0; s < stripes - 1; s++) {
            for (int i = 0; i < len; i++) {
                d[i] ^= split[s * len + i];
            }
            diffuse(d, hash);
        }
        for (int i = 0; i < len; i++) {
            d[i] ^= split[(stripes - 1) * len + i];
        }
        return d;
    }

    /** Each digest-sized block i of d becomes HASH(be32(i) || block), the last one truncated. */
    private static void diffuse(byte[] d, String hash) {
        int ds = CryptHash.size(hash);
        for (int i = 0, off = 0; off < d.length; i++, off += ds) {
            int n = Math.min(ds, d.length - off);
            byte[] iv = {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            byte[] h = CryptHash.hash(hash, iv, java.util.Arrays.copyOfRange(d, off, off + n));
            System.arraycopy(h, 0, d, off, n);
        }
    }

    /** An HMAC keyed with the passphrase. */
    private interface Prf {
        int size();

        void mac(byte[] out, byte[] a, byte[] b);
    }

    private static Prf prf(String hash, byte[] key) {
        String j = CryptHash.jdkName(hash);
        if (j == null) {
            throw new IllegalArgumentException("unknown hash " + hash);
        }
        if (j.equals("ripemd160")) {
            HMac h = new HMac(new RIPEMD160Digest());
            h.init(new KeyParameter(key));
            return new Prf() {
                public int size() {
                    return 20;
                }

                public void mac(byte[] out, byte[] a, byte[] b) {
                    h.update(a, 0, a == out ? 20 : a.length);
                    if (b != null) {
                        h.update(b, 0, b.length);
                    }
                    h.doFinal(out, 0);
                }
            };
        }
        try {
            Mac m = Mac.getInstance("Hmac" + j.replace("-", ""));
            m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HMAC"));
            if (key.length == 0) {
                throw new IllegalArgumentException("empty passphrase");
            }
            return new Prf() {
                public int size() {
                    return m.getMacLength();
                }

                public void mac(byte[] out, byte[] a, byte[] b) {
                    m.update(a);
                    if (b != null) {
                        m.update(b);
                    }
                    try {
                        m.doFinal(out, 0);
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("hash " + hash + ": " + e.getMessage());
        }
    }
}
