package org.dmemu.disklabel;

import java.io.IOException;

/**
 * A {@link SectorSource} that can also be written: what {@code writedisklabel()} needs.
 */
public interface SectorDevice extends SectorSource {
    /** Writes {@code count} sectors from {@code buf} at {@code off} to {@code blkno}. */
    void write(long blkno, byte[] buf, int off, int count) throws IOException;

    /** A device over an in-memory image (writes go into the array). */
    static SectorDevice of(byte[] image) {
        SectorSource r = SectorSource.of(image);
        return new SectorDevice() {
            @Override
            public long sectorCount() {
                return r.sectorCount();
            }

            @Override
            public void read(long blkno, byte[] buf, int off, int count) throws IOException {
                r.read(blkno, buf, off, count);
            }

            @Override
            public void write(long blkno, byte[] buf, int off, int count) throws IOException {
                if (blkno < 0 || blkno + count > sectorCount()) {
                    throw new IOException("write of sectors " + blkno + "+" + count
                            + " outside the disk");
                }
                System.arraycopy(buf, off, image, (int) (blkno * DEV_BSIZE), count * DEV_BSIZE);
            }
        };
    }
}
