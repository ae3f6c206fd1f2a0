package org.dmemu.dev.dm.target.crypt;

/**
 * ECB over a keyed {@link BlockPrimitive} (Linux's {@code ecb()}): no IV.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart).
 */
public final class Ecb extends ChainMode {
    private final BlockPrimitive cipher;

    public Ecb(BlockPrimitive cipher) {
        this.cipher = cipher;
    }

    @Override
    public int ivSize() {
        return 0;
    }

    @Override
    public void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff, int sectorSize, int nsect,
                      byte[] ivs) {
        if (encrypt) {
            cipher.encrypt(in, inOff, out, outOff, nsect * sectorSize);
        } else {
            cipher.decrypt(in, inOff, out, outOff, nsect * sectorSize);
        }
    }

    @Override
    public void wipe() {
        cipher.wipe();
    }
}
