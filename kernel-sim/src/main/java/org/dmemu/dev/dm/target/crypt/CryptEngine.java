package org.dmemu.dev.dm.target.crypt;

import java.util.Arrays;

/**
 * One thread's keyed instance of a crypt mapping: a {@link ChainMode} per key (Linux's
 * {@code tfms[]}), the IV generator, and the scratch areas, all allocated once. {@link #crypt}
 * is the inner loop of {@code crypt_convert}: runs of at most {@link #CHUNK} bytes, sector by
 * sector numbered as dm-crypt numbers them.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class CryptEngine {
    /** The largest run handed to a chain mode at once, and the size of the write bounce buffer. */
    public static final int CHUNK = 64 * 1024;

    private final ChainMode[] modes;
    private final CryptIv iv;
    private final int ivSize;
    private final byte[] ivs;
    private final int sectorSize;
    private final int ivShift;
    private final boolean ivLarge;
    /** The write bounce buffer: ciphertext of a write goes here, never into the caller's data. */
    public final byte[] bounce = new byte[CHUNK];

    /**
     * Keys a new engine. {@code key} has been checked by {@link CryptSpec#checkKey}.
     *
     * @param sectorSize     the encryption unit (512–4096)
     * @param ivLargeSectors count IV sectors in {@code sectorSize} units
     */
    public CryptEngine(CryptSpec spec, byte[] key, int sectorSize, boolean ivLargeSectors) {
        int sub = spec.subkeySize(key.length);
        modes = new ChainMode[spec.keyCount()];
        String c = spec.cipher();
        for (int i = 0; i < modes.length; i++) {
            int off = i * sub;
            modes[i] = switch (spec.chain()) {
                case "xts" -> new Xts(CryptCiphers.create(c, key, off, sub / 2),
                        CryptCiphers.create(c, key, off + sub / 2, sub / 2), CHUNK);
                case "cbc" -> new Cbc(CryptCiphers.create(c, key, off, sub), CHUNK);
                default -> new Ecb(CryptCiphers.create(c, key, off, sub));
            };
        }
        int bs = CryptCiphers.blockSize(c);
        int size = modes[0].ivSize();
        if (size > 0 && size < 8) {
            size = 8;
        }
        ivSize = size;
        BlockPrimitive essiv = null;
        if (spec.ivMode() == CryptIv.Mode.ESSIV) {
            byte[] first = Arrays.copyOfRange(key, 0, sub);
            byte[] salt = CryptHash.hash(spec.ivOpts(), first);
            essiv = CryptCiphers.create(c, salt, 0, salt.length);
            Arrays.fill(first, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }
        iv = new CryptIv(spec.ivMode() == null ? CryptIv.Mode.NULL : spec.ivMode(), ivSize, bs, essiv);
        ivs = new byte[Math.max(1, CHUNK / 512 * ivSize)];
        this.sectorSize = sectorSize;
        this.ivShift = Integer.numberOfTrailingZeros(sectorSize) - 9;
        this.ivLarge = ivLargeSectors;
    }

    /**
     * Encrypts or decrypts {@code len} bytes (a multiple of the sector size) from {@code in} to
     * {@code out} (the same range allowed); {@code ccSector} is the first sector's number in
     * 512-byte units, {@code iv_offset} included.
     */
    public void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff, int len, long ccSector) {
        long step = sectorSize >>> 9;
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, CHUNK) / sectorSize;
            if (modes.length == 1) {
                long first = ivLarge ? ccSector >>> ivShift : ccSector;
                iv.generate(ivs, first, ivLarge ? 1 : step, n);
                modes[0].crypt(encrypt, in, inOff + done, out, outOff + done, sectorSize, n, ivs);
                ccSector += n * step;
                done += n * sectorSize;
            } else {
                long ivSector = ivLarge ? ccSector >>> ivShift : ccSector;
                iv.generate(ivs, ivSector, 1, 1);
                modes[(int) (ccSector & (modes.length - 1))].crypt(encrypt, in, inOff + done, out, outOff + done,
                        sectorSize, 1, ivs);
                ccSector += step;
                done += sectorSize;
            }
        }
    }

    /** Drops every key schedule and scratch area. */
    public void wipe() {
        for (ChainMode m : modes) {
            m.wipe();
        }
        iv.wipe();
        Arrays.fill(ivs, (byte) 0);
        Arrays.fill(bounce, (byte) 0);
    }
}
