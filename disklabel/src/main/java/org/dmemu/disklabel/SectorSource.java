package org.dmemu.disklabel;

import java.io.IOException;

/**
 * What {@link DiskLabelReader} needs from a disk: its size and a way to read whole
 * {@code DEV_BSIZE} (512-byte) sectors. kernel-sim plugs its emulated disks in through this
 * interface; {@link ImageFile} and {@link #of(byte[])} serve files and tests.
 */
public interface SectorSource {
    /** {@code DEV_BSIZE}. */
    int DEV_BSIZE = 512;

    /** The number of 512-byte sectors of the whole disk. */
    long sectorCount();

    /**
     * Reads {@code count} sectors starting at {@code blkno} into {@code buf} at {@code off}.
     *
     * @throws IOException if the sectors cannot be read (outside the disk, or an I/O error);
     *                     the reader turns this into NetBSD's "I/O error" outcomes
     */
    void read(long blkno, byte[] buf, int off, int count) throws IOException;

    /** A source over an in-memory image whose length is a multiple of 512. */
    static SectorSource of(byte[] image) {
        return new SectorSource() {
            @Override
            public long sectorCount() {
                return image.length / DEV_BSIZE;
            }

            @Override
            public void read(long blkno, byte[] buf, int off, int count) throws IOException {
                if (blkno < 0 || blkno + count > sectorCount()) {
                    throw new IOException("read of sectors " + blkno + "+" + count
                            + " outside the disk");
                }
                System.arraycopy(image, (int) (blkno * DEV_BSIZE), buf, off, count * DEV_BSIZE);
            }
        };
    }
}
