package org.dmemu.dev.dm.target.crypt;

import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;

/**
 * A parsed dm-crypt cipher specification, as Linux's {@code crypt_ctr_cipher_old} and
 * {@code crypt_ctr_cipher_new} read it: {@code cipher[:keycount]-chainmode-ivmode[:ivopts]}
 * or {@code capi:chainmode(cipher)-ivmode[:ivopts]}. A bare cipher name means
 * {@code cbc-plain}; an ecb spec ignores its IV mode (no IV). Every error is EINVAL with the
 * text Linux puts in {@code ti->error}, naming the argument.
 *
 * @param cipherString the specification as given (what the table reports)
 * @param cipher       the block cipher ({@link CryptCiphers})
 * @param keyCount     the number of keys (tfms), a power of two
 * @param chain        xts, cbc or ecb
 * @param ivMode       the IV generator, null for ecb
 * @param ivOpts       the ESSIV hash, else null
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart). From Linux: AEAD, lmk, tcw, eboiv
 * and random IVs are not implemented (EINVAL naming them).
 */
public record CryptSpec(String cipherString, String cipher, int keyCount, String chain, CryptIv.Mode ivMode,
                        String ivOpts) {

    /** Parses and validates {@code s}. */
    public static CryptSpec parse(String s) throws DmException {
        String cipher;
        String chain;
        String iv;
        String opts = null;
        int count = 1;
        if (s.startsWith("capi:")) {
            String t = s.substring(5);
            int colon = t.lastIndexOf(':');
            if (colon >= 0) {
                opts = t.substring(colon + 1);
                t = t.substring(0, colon);
            }
            int dash = t.lastIndexOf('-');
            iv = dash >= 0 ? t.substring(dash + 1) : null;
            String api = dash >= 0 ? t.substring(0, dash) : t;
            int open = api.indexOf('(');
            if (open <= 0 || !api.endsWith(")") || api.indexOf('(', open + 1) >= 0) {
                throw err("Error allocating crypto tfm: unsupported crypto API spec \"" + api + "\"");
            }
            chain = api.substring(0, open);
            cipher = api.substring(open + 1, api.length() - 1);
        } else {
            if (s.indexOf('(') >= 0) {
                throw err("Bad cipher specification \"" + s + "\"");
            }
            String[] dash = s.split("-", 3);
            String head = dash[0];
            int colon = head.indexOf(':');
            cipher = colon >= 0 ? head.substring(0, colon) : head;
            if (colon >= 0) {
                String kc = head.substring(colon + 1);
                count = kc.matches("[0-9]{1,9}") ? Integer.parseInt(kc) : 0;
                if (count == 0 || Integer.bitCount(count) != 1) {
                    throw err("Bad cipher key count specification \"" + kc + "\"");
                }
            }
            chain = dash.length > 1 ? dash[1] : null;
            iv = null;
            if (dash.length > 2) {
                String rest = dash[2];
                int c = rest.indexOf(':');
                iv = c >= 0 ? rest.substring(0, c) : rest;
                opts = c >= 0 ? rest.substring(c + 1) : null;
            }
            if (chain == null || (chain.equals("plain") && iv == null)) {
                chain = "cbc";
                iv = "plain";
            }
            if (!chain.equals("ecb") && iv == null) {
                throw err("IV mechanism required by \"" + s + "\"");
            }
        }
        if (iv != null && iv.equals("essiv") && opts == null) {
            throw err("Digest algorithm missing for ESSIV mode in \"" + s + "\"");
        }
        if (!CryptCiphers.known(cipher)) {
            throw err("Error allocating crypto tfm: unknown cipher \"" + cipher + "\"");
        }
        boolean nullCipher = cipher.equals(CryptCiphers.NULL);
        if (!(chain.equals("xts") || chain.equals("cbc") || chain.equals("ecb")) || (nullCipher && !chain.equals("ecb"))) {
            throw err("Error allocating crypto tfm: unknown chain mode \"" + chain + "\" for " + cipher);
        }
        if (chain.equals("xts") && CryptCiphers.blockSize(cipher) != 16) {
            throw err("Error allocating crypto tfm: xts needs a 16-byte block cipher, " + cipher + " has "
                    + CryptCiphers.blockSize(cipher));
        }
        CryptIv.Mode mode = null;
        if (!chain.equals("ecb") && iv != null) {
            mode = CryptIv.parse(iv);
            if (mode == null) {
                throw err("Invalid IV mode \"" + iv + "\"");
            }
            if (mode == CryptIv.Mode.ESSIV && !CryptHash.known(opts)) {
                throw err("Error allocating crypto tfm: unknown ESSIV hash \"" + opts + "\"");
            }
        }
        return new CryptSpec(s, cipher, count, chain, mode, mode == CryptIv.Mode.ESSIV ? opts : null);
    }

    /** Checks a key of {@code len} bytes against the spec ("Error decoding and setting key"). */
    public void checkKey(int len) throws DmException {
        if (len % keyCount != 0) {
            throw err("Error decoding and setting key: " + len + " bytes do not split into " + keyCount + " keys");
        }
        int sub = len / keyCount;
        int cipherKey = chain.equals("xts") ? sub / 2 : sub;
        if ((chain.equals("xts") && sub % 2 != 0) || !CryptCiphers.validKeySize(cipher, cipherKey)) {
            throw err("Error decoding and setting key: a " + len + "-byte key does not fit " + cipherString);
        }
        if (ivMode == CryptIv.Mode.ESSIV && !CryptCiphers.validKeySize(cipher, CryptHash.size(ivOpts))) {
            throw err("Error decoding and setting key: a " + CryptHash.size(ivOpts) + "-byte " + ivOpts
                    + " salt is no " + cipher + " key");
        }
    }

    /** The key bytes of one tfm. */
    public int subkeySize(int keyLen) {
        return keyLen / keyCount;
    }

    private static DmException err(String msg) {
        return new DmException(Errno.EINVAL, "crypt: " + msg);
    }
}
