package org.dmemu.cryptsetup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import org.dmemu.dev.dm.target.crypt.CryptEngine;
import org.dmemu.dev.dm.target.crypt.CryptSpec;
import org.dmemu.sys.DmException;

/**
 * Recovers the volume key from a passphrase, as cryptsetup's {@code LUKS_open_key} /
 * {@code luks2_keyslot_open} do: for each active key slot, derive the slot key (PBKDF2 or
 * Argon2), decrypt the anti-forensic area with the slot's cipher (512-byte sectors, IVs from
 * sector 0 of the area, through the crypt target's own engines), merge the stripes, and accept
 * the candidate whose PBKDF2 digest matches the header's.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
final class LuksUnlock {
    private LuksUnlock() {
    }

    /** The volume key, or null if no key slot opens with {@code pass}. */
    static byte[] unlock(LuksHeader h, FileChannel ch, byte[] pass) throws IOException {
        for (LuksHeader.Keyslot k : h.keyslots()) {
            byte[] mk = trySlot(h, k, ch, pass);
            if (mk != null) {
                return mk;
            }
        }
        return null;
    }

    private static byte[] trySlot(LuksHeader h, LuksHeader.Keyslot k, FileChannel ch, byte[] pass) throws IOException {
        byte[] slotKey = k.kdf().equals("pbkdf2")
                ? LuksKdf.pbkdf2(k.hash(), pass, k.salt(), k.iterations(), k.areaKeyBytes())
                : LuksKdf.argon2(k.kdf(), pass, k.salt(), (int) k.iterations(), k.memoryKiB(), k.cpus(), k.areaKeyBytes());
        int len = k.keyBytes() * k.stripes();
        int padded = (len + 511) & -512;
        ByteBuffer b = ByteBuffer.allocate(padded);
        while (b.hasRemaining()) {
            if (ch.read(b, k.areaOffset() + b.position()) < 0) {
                throw new IOException("key slot " + k.id() + " area beyond the end of the device");
            }
        }
        byte[] area = b.array();
        try {
            CryptSpec spec = CryptSpec.parse(k.areaCipher());
            spec.checkKey(slotKey.length);
            CryptEngine e = new CryptEngine(spec, slotKey, 512, false);
            e.crypt(false, area, 0, area, 0, padded, 0);
            e.wipe();
        } catch (DmException ex) {
            throw new IllegalArgumentException("key slot " + k.id() + ": " + ex.getMessage());
        } finally {
            Arrays.fill(slotKey, (byte) 0);
        }
        byte[] mk = LuksKdf.afMerge(area, k.keyBytes(), k.stripes(), k.afHash());
        Arrays.fill(area, (byte) 0);
        byte[] d = LuksKdf.pbkdf2(h.digestHash(), mk, h.digestSalt(), h.digestIterations(), h.digest().length);
        if (MessageDigest.isEqual(d, h.digest())) {
            return mk;
        }
        Arrays.fill(mk, (byte) 0);
        return null;
    }
}
