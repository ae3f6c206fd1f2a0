package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabelledDiskTest {
    private final byte[] img = Images.standardMbrImage();
    private final LabelledDisk disk = new LabelledDisk(SectorDevice.of(img), "dmemu disk");

    @Test
    void ioctlNumbers_areTheLp64Encodings() {
        assertEquals(0x41986465L, DiskIoctls.DIOCGDINFO);
        assertEquals(0x81986466L, DiskIoctls.DIOCSDINFO);
        assertEquals(0x81986467L, DiskIoctls.DIOCWDINFO);
        assertEquals(0x80206468L, DiskIoctls.DIOCGPARTINFO);
        assertEquals(0x8004646DL, DiskIoctls.DIOCWLABEL);
        assertEquals(0x41986472L, DiskIoctls.DIOCGDEFLABEL);
        assertEquals(0x80046476L, DiskIoctls.DIOCCACHESYNC);
        assertEquals(0x40086484L, DiskIoctls.DIOCGMEDIASIZE);
        assertEquals(0x40046485L, DiskIoctls.DIOCGSECTORSIZE);
        assertEquals(408, DiskIoctls.parmLen(DiskIoctls.DIOCGDINFO));
    }

    @Test
    void diocgdinfo_returnsTheInCoreLabelBytes() {
        byte[] out = new byte[408];
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCGDINFO, out, false));
        byte[] onDisk = new byte[408];
        System.arraycopy(img, 64 * 512, onDisk, 0, 408);
        assertArrayEquals(onDisk, out);
    }

    @Test
    void diocsdinfo_needsFwrite_EBADF() {
        byte[] l = DisklabelCodec.encode(Images.mbrLayout(4096));
        assertEquals(9, disk.ioctl(0, DiskIoctls.DIOCSDINFO, l, false));
        assertEquals(9, disk.ioctl(0, DiskIoctls.DIOCWLABEL, new byte[4], false));
    }

    @Test
    void diocsdinfo_badChecksum_EINVAL_labelUnchanged() {
        Disklabel n = Images.mbrLayout(4096);
        n.partitions[1] = DisklabelPartition.of(10, 100, 1); // not resealed
        assertEquals(22, disk.ioctl(0, DiskIoctls.DIOCSDINFO, DisklabelCodec.encode(n), true));
        assertEquals(DisklabelPartition.EMPTY, disk.label().partitions[1]);
    }

    @Test
    void diocsdinfo_zeroSecpercyl_EINVAL() {
        Disklabel n = Images.mbrLayout(4096);
        n.secpercyl = 0;
        DisklabelCodec.seal(n);
        assertEquals(22, disk.ioctl(0, DiskIoctls.DIOCSDINFO, DisklabelCodec.encode(n), true));
    }

    @Test
    void diocsdinfo_inCoreOnly_diocwdinfo_writesTheDisk() {
        Disklabel n = Images.mbrLayout(4096);
        n.partitions[1] = DisklabelPartition.of(10, 100, FsType.SWAP);
        DisklabelCodec.seal(n);
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCSDINFO, DisklabelCodec.encode(n), true));
        assertEquals(n, disk.label());
        assertEquals(DisklabelPartition.EMPTY, DisklabelCodec.decode(img, 64 * 512).partitions[1]);
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCWDINFO, DisklabelCodec.encode(n), true));
        assertEquals(n, DisklabelCodec.decode(img, 64 * 512));
        assertEquals(0, disk.openPart(1));
    }

    @Test
    void diocwlabel_togglesTheGuard() {
        assertEquals(-30, disk.strategyCheck(0, 1, 512, false));
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCWLABEL, new byte[] {1, 0, 0, 0}, true));
        assertEquals(512, disk.strategyCheck(0, 1, 512, false));
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCWLABEL, new byte[4], true));
        assertEquals(-30, disk.strategyCheck(0, 1, 512, false));
    }

    @Test
    void diocgpartinfo_mediasize_sectorsize() {
        byte[] pi = new byte[32];
        assertEquals(0, disk.ioctl(0, DiskIoctls.DIOCGPARTINFO, pi, false));
        assertEquals(63, DisklabelCodec.u32(pi, 0));
        assertEquals(4033, DisklabelCodec.u32(pi, 8));
        assertEquals(512, DisklabelCodec.u32(pi, 16));
        assertEquals(FsType.BSDFFS, pi[24]);
        byte[] ms = new byte[8];
        assertEquals(0, disk.ioctl(3, DiskIoctls.DIOCGMEDIASIZE, ms, false));
        assertEquals(4096L * 512, DisklabelCodec.u32(ms, 0) | DisklabelCodec.u32(ms, 4) << 32);
        byte[] ss = new byte[4];
        assertEquals(0, disk.ioctl(3, DiskIoctls.DIOCGSECTORSIZE, ss, false));
        assertEquals(512, DisklabelCodec.u32(ss, 0));
    }

    @Test
    void cachesync_unknown_and_shortBuffer() {
        assertEquals(0, disk.ioctl(3, DiskIoctls.DIOCCACHESYNC, new byte[4], true));
        assertEquals(9, disk.ioctl(3, DiskIoctls.DIOCCACHESYNC, new byte[4], false));
        assertEquals(25, disk.ioctl(3, 0xC0046400L, new byte[4], true));
        assertEquals(14, disk.ioctl(3, DiskIoctls.DIOCGDINFO, new byte[100], false));
    }

    @Test
    void openPart_unusedOrMissingPartition_ENXIO_rawAlwaysOpens() {
        assertEquals(0, disk.openPart(0));
        assertEquals(6, disk.openPart(1));  // empty
        assertEquals(6, disk.openPart(2));  // c: FS_UNUSED
        assertEquals(0, disk.openPart(3));  // raw
        assertEquals(6, disk.openPart(4));  // beyond d_npartitions
    }

    @Test
    void physicalBlock_addsPartitionOffsetExceptOnRaw() {
        assertEquals(64, disk.physicalBlock(0, 1));
        assertEquals(64, disk.physicalBlock(3, 64));
    }
}
