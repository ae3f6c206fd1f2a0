package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SetDisklabelTest {
    @Test
    void invalidationMagic_acceptedVerbatim() {
        Disklabel old = Images.mbrLayout(4096);
        Disklabel n = Images.mbrLayout(4096);
        n.magic = 0xFFFF_FFFFL;
        n.checksum = 1234;
        assertEquals(0, SetDisklabel.setdisklabel(old, n, 0));
        assertEquals(1234, old.checksum);
        assertEquals(0xFFFF_FFFFL, old.magic);
    }

    @Test
    void secsizeNotMultipleOf512_EINVAL() {
        Disklabel n = Images.mbrLayout(4096);
        n.secsize = 1000;
        DisklabelCodec.seal(n);
        assertEquals(22, SetDisklabel.setdisklabel(Images.mbrLayout(4096), n, 0));
    }

    @Test
    void openPartitionMovedOrShrunk_EBUSY_unusedKeepsOld() {
        Disklabel old = Images.mbrLayout(4096);
        Disklabel moved = Images.mbrLayout(4096);
        moved.partitions[0] = DisklabelPartition.of(4000, 64, FsType.BSDFFS);
        DisklabelCodec.seal(moved);
        assertEquals(16, SetDisklabel.setdisklabel(old, moved, 1));
        Disklabel dropped = Images.mbrLayout(4096);
        dropped.partitions[0] = DisklabelPartition.EMPTY;
        DisklabelCodec.seal(dropped);
        assertEquals(0, SetDisklabel.setdisklabel(old, dropped, 1));
        assertEquals(DisklabelPartition.of(4033, 63, FsType.BSDFFS), old.partitions[0]);
        assertEquals(0, DisklabelCodec.dkcksum(old));
        Disklabel fewer = Images.mbrLayout(4096);
        fewer.npartitions = 2;
        DisklabelCodec.seal(fewer);
        assertEquals(16, SetDisklabel.setdisklabel(old, fewer, 1 << 3));
    }
}
