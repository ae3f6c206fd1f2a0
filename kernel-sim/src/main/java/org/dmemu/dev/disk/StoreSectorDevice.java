package org.dmemu.dev.disk;

import java.io.IOException;

import org.dmemu.disklabel.SectorDevice;

/**
 * A disk's {@link BackingStore} seen as the disklabel module's {@link SectorDevice}
 * (512-byte sectors), so that {@code readdisklabel}/{@code writedisklabel} run on the emulated
 * medium itself.
 *
 * <p>Differences from NetBSD: none (the kernel reads and writes the label through the raw
 * partition, which is what this is).
 */
final class StoreSectorDevice implements SectorDevice {
    private final BackingStore store;
    private final long sectors;

    StoreSectorDevice(BackingStore store) {
        this.store = store;
        this.sectors = store.size() / DEV_BSIZE;
    }

    @Override
    public long sectorCount() {
        return sectors;
    }

    @Override
    public void read(long blkno, byte[] buf, int off, int count) throws IOException {
        if (blkno < 0 || blkno + count > sectors
                || !store.read(blkno * DEV_BSIZE, buf, off, count * DEV_BSIZE)) {
            throw new IOException("read of sectors " + blkno + "+" + count + " failed");
        }
    }

    @Override
    public void write(long blkno, byte[] buf, int off, int count) throws IOException {
        if (blkno < 0 || blkno + count > sectors
                || !store.write(blkno * DEV_BSIZE, buf, off, count * DEV_BSIZE)) {
            throw new IOException("write of sectors " + blkno + "+" + count + " failed");
        }
    }
}
