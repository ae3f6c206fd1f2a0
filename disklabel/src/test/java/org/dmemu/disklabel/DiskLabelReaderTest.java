package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DiskLabelReaderTest {
    @Test
    void read_mbrDisk_labelInSector1OfNetbsdPartition() {
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(Images.standardMbrImage()));
        assertEquals(DiskLabelReader.Where.MBR_PARTITION, r.where());
        assertEquals(63, r.scanBase());
        assertEquals(512, r.byteOffset());
        assertEquals(64, r.labelSector());
        assertNull(r.message());
        assertEquals(DisklabelPartition.of(4033, 63, FsType.BSDFFS), r.label().partitions[0]);
        assertEquals(DisklabelPartition.of(4096, 0, FsType.UNUSED), r.label().partitions[3]);
        assertEquals(4, r.label().npartitions);
    }

    @Test
    void read_mbrDisk_cIsOverriddenWithTheMbrPartition() {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, Mbr.PTYPE_NETBSD, 63, 2000)));
        Disklabel l = Images.label(4096, new long[][] {
            {1000, 63, FsType.BSDFFS}, null, {4096, 0, FsType.UNUSED}, {4096, 0, FsType.UNUSED}});
        Images.putLabel(img, 64 * 512, l);
        Disklabel in = DiskLabelReader.read(SectorSource.of(img)).label();
        assertEquals(DisklabelPartition.of(2000, 63, FsType.UNUSED), in.partitions[2]);
        assertEquals(DisklabelPartition.of(1000, 63, FsType.BSDFFS), in.partitions[0]);
    }

    @Test
    void read_bareDisk_labelAtLba1() {
        byte[] img = new byte[2048 * 512];
        Disklabel l = Images.label(2048, new long[][] {
            {2048, 0, FsType.BSDFFS}, null, {2048, 0, 0}, {2048, 0, 0}, {100, 1900, FsType.SWAP}});
        Images.putLabel(img, 512, l);
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertEquals(DiskLabelReader.Where.DISK_START, r.where());
        assertEquals(1, r.labelSector());
        assertEquals(l, r.label());
    }

    @Test
    void read_labelAtUnalignedOffset_foundByThe4ByteScan() {
        byte[] img = new byte[2048 * 512];
        Disklabel l = Images.label(2048, new long[][] {{2048, 0, 7}, null, {2048, 0, 0}, {2048, 0, 0}});
        Images.putLabel(img, 128, l); // sparc-style offset inside sector 0
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertEquals(0, r.labelSector());
        assertEquals(128, r.byteOffset());
    }

    @Test
    void read_noLabelNoMbr_fabricatesTheWdDefault() {
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(new byte[10080 * 512]));
        Disklabel l = r.label();
        assertEquals(DiskLabelReader.Where.FABRICATED, r.where());
        assertFalse(r.found());
        assertNull(r.message());
        assertEquals("default label used: no disklabel in sectors 0-2 and no MBR", r.reason());
        assertEquals(4, l.npartitions);
        assertEquals(DisklabelPartition.of(10080, 0, FsType.BSDFFS), l.partitions[0]);
        assertEquals(DisklabelPartition.EMPTY, l.partitions[1]);
        assertEquals(DisklabelPartition.EMPTY, l.partitions[2]);
        assertEquals(DisklabelPartition.of(10080, 0, FsType.UNUSED), l.partitions[3]);
        assertEquals("fictitious", l.packnameString());
        assertEquals("dmemu disk", l.typenameString());
        assertEquals(DkType.ESDI, l.type);
        assertEquals(16, l.ntracks);
        assertEquals(63, l.nsectors);
        assertEquals(10, l.ncylinders);
        assertEquals(1008, l.secpercyl);
        assertEquals(3600, l.rpm);
    }

    @Test
    void read_foreignMbrPartitions_recordedInEtoH_andAcleared() {
        byte[] img = Images.withMbr(8192, List.of(
                new Mbr.Partition(0, 0x83, 2048, 2048), new Mbr.Partition(0, 0x0C, 4096, 1024)));
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        Disklabel l = r.label();
        assertEquals(DiskLabelReader.Where.FABRICATED, r.where());
        assertEquals(6, l.npartitions);
        assertEquals(0, l.partitions[0].size());
        assertEquals(0, l.partitions[0].fstype());
        assertEquals(DisklabelPartition.of(2048, 2048, FsType.EX2FS), l.partitions[4]);
        assertEquals(DisklabelPartition.of(1024, 4096, FsType.MSDOS), l.partitions[5]);
        assertEquals(DisklabelPartition.of(8192, 0, FsType.UNUSED), l.partitions[3]);
    }

    @Test
    void read_netbsdPartitionWithoutLabel_cIsThePartition() {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, Mbr.PTYPE_NETBSD, 63, 4033)));
        Disklabel l = DiskLabelReader.read(SectorSource.of(img)).label();
        assertEquals(DisklabelPartition.of(4033, 63, 0), l.partitions[2]);
        assertEquals(DisklabelPartition.of(4033, 63, FsType.BSDFFS), l.partitions[4]);
    }

    @Test
    void read_netbsdLogicalPartition_foundThroughTheExtendedChain() {
        byte[] img = Images.withMbr(8192, List.of(new Mbr.Partition(0, 0x83, 63, 1985),
                new Mbr.Partition(0, Mbr.PTYPE_EXT, 2048, 6144)));
        // EBR at 2048: a NetBSD logical partition at 2048 + 63
        Mbr.write(List.of(new Mbr.Partition(0, Mbr.PTYPE_NETBSD, 63, 4000)), img, 2048 * 512);
        Disklabel l = Images.label(8192, new long[][] {
            {4000, 2111, FsType.BSDFFS}, null, {4000, 2111, 0}, {8192, 0, 0}});
        Images.putLabel(img, 2112 * 512, l);
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertEquals(DiskLabelReader.Where.MBR_PARTITION, r.where());
        assertEquals(2111, r.scanBase());
        assertEquals(2112, r.labelSector());
        assertEquals(DisklabelPartition.of(4000, 2111, FsType.BSDFFS), r.label().partitions[0]);
        // the Linux primary seen before the label was found does not survive: the label wins
        assertEquals(4, r.label().npartitions);
    }

    @Test
    void read_corruptLabel_fabricatedWithKernelMessage() {
        byte[] img = Images.standardMbrImage();
        img[64 * 512 + 150] ^= 0x40;
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertEquals(DiskLabelReader.Where.FABRICATED, r.where());
        assertEquals("disk label corrupted", r.message());
    }

    @Test
    void read_mbrPartitionBeyondDisk_mbrDistrusted() {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, Mbr.PTYPE_NETBSD, 63, 9000)));
        Images.putLabel(img, 64 * 512, Images.mbrLayout(4096));
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertEquals(DiskLabelReader.Where.FABRICATED, r.where());
        assertEquals("mbr partition exceeds disk size", r.message());
        assertEquals(DisklabelPartition.of(4096, 0, FsType.BSDFFS), r.label().partitions[0]);
    }

    @Test
    void read_protectiveMbr_ignored_labelAtLba1Used() {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, Mbr.PTYPE_PMBR, 1, 4095)));
        Disklabel l = Images.label(4096, new long[][] {{4096, 0, 7}, null, {4096, 0, 0}, {4096, 0, 0}});
        Images.putLabel(img, 512, l);
        assertEquals(DiskLabelReader.Where.DISK_START,
                DiskLabelReader.read(SectorSource.of(img)).where());
    }

    @Test
    void read_labelWithoutRawPartition_convertdisklabelInsertsOne() {
        byte[] img = new byte[2048 * 512];
        Disklabel l = Images.label(2048, new long[][] {
            {1000, 16, FsType.BSDFFS}, {500, 1016, FsType.SWAP}, {2048, 0, 0}, {100, 1600, 7},
            {300, 1700, 7}});
        Images.putLabel(img, 512, l);
        Disklabel in = DiskLabelReader.read(SectorSource.of(img)).label();
        // d had offset 1600: c (offset 0) is swapped into the raw slot
        assertEquals(DisklabelPartition.of(2048, 0, 0), in.partitions[3]);
        assertEquals(DisklabelPartition.of(100, 1600, 7), in.partitions[2]);
    }

    @Test
    void read_dFlagsBit0x20_accepted() {
        byte[] img = Images.standardMbrImage();
        Disklabel l = Images.mbrLayout(4096);
        l.flags = 0x20;
        DisklabelCodec.seal(l);
        Images.putLabel(img, 64 * 512, l);
        DiskLabelReader.Result r = DiskLabelReader.read(SectorSource.of(img));
        assertTrue(r.found());
        assertEquals(0x20, r.label().flags);
    }

    @Test
    void writeDisklabel_mbrDisk_writesSector1OfNetbsdPartition() throws Exception {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, Mbr.PTYPE_NETBSD, 63, 4033)));
        Disklabel l = Images.mbrLayout(4096);
        assertEquals(0, DiskLabelReader.writeDisklabel(SectorDevice.of(img), l));
        assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(img, 64 * 512));
        assertEquals(DisklabelCodec.Check.NO_MAGIC, DisklabelCodec.check(img, 512));
        assertEquals(l, DisklabelCodec.decode(img, 64 * 512));
    }

    @Test
    void writeDisklabel_bareDisk_writesLba1() {
        byte[] img = new byte[2048 * 512];
        Disklabel l = Images.label(2048, new long[][] {{2048, 0, 7}, null, {2048, 0, 0}, {2048, 0, 0}});
        assertEquals(0, DiskLabelReader.writeDisklabel(SectorDevice.of(img), l));
        assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(img, 512));
    }

    @Test
    void writeDisklabel_mbrWithoutNetbsdPartition_ESRCH() {
        byte[] img = Images.withMbr(4096, List.of(new Mbr.Partition(0, 0x83, 63, 4033)));
        byte[] before = img.clone();
        assertEquals(3, DiskLabelReader.writeDisklabel(SectorDevice.of(img), Images.mbrLayout(4096)));
        assertEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(img));
    }

    @Test
    void writeDisklabel_existingLabelUpdatedInPlace() {
        byte[] img = new byte[2048 * 512];
        Disklabel l = Images.label(2048, new long[][] {{2048, 0, 7}, null, {2048, 0, 0}, {2048, 0, 0}});
        Images.putLabel(img, 64, l);
        Disklabel n = Images.label(2048, new long[][] {{1024, 0, 7}, null, {2048, 0, 0}, {2048, 0, 0}});
        assertEquals(0, DiskLabelReader.writeDisklabel(SectorDevice.of(img), n));
        assertEquals(n, DisklabelCodec.decode(img, 64));
        assertEquals(DisklabelCodec.Check.NO_MAGIC, DisklabelCodec.check(img, 512));
    }
}
