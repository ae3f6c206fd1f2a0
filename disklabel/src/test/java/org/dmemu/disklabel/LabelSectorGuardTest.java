package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabelSectorGuardTest {
    private static final int A = 0;
    private static final int C = 2;
    private static final int D = 3;
    private final Disklabel lp = Images.label(4096, new long[][] {
        {4033, 63, FsType.BSDFFS}, {100, 3000, FsType.SWAP}, {4033, 63, 0}, {4096, 0, 0}});
    private final LabelSectorGuard guard = new LabelSectorGuard();

    @Test
    void labelSector_isCOffsetPlusOne() {
        assertEquals(64, LabelSectorGuard.labelSector(lp));
    }

    @Test
    void writeLabelSector_throughNonRawPartition_EROFS() {
        assertEquals(-30, guard.check(lp, A, 1, 512, false, 4096));
        assertEquals(-30, guard.check(lp, C, 1, 512, false, 4096));
    }

    @Test
    void writeCoveringLabelSector_wholeRequestRefused() {
        assertEquals(-30, guard.check(lp, A, 0, 8192, false, 4096));
    }

    @Test
    void writeBesideLabelSector_allowed() {
        assertEquals(512, guard.check(lp, A, 0, 512, false, 4096)); // LBA 63 (boot record)
        assertEquals(1024, guard.check(lp, A, 2, 1024, false, 4096)); // LBA 65-66
    }

    @Test
    void readLabelSector_allowed() {
        assertEquals(512, guard.check(lp, A, 1, 512, true, 4096));
    }

    @Test
    void writeLabelSector_afterDiocwlabel_allowed_andAgainRefusedAfterReset() {
        guard.setWlabel(true);
        assertEquals(512, guard.check(lp, A, 1, 512, false, 4096));
        guard.setWlabel(false);
        assertEquals(-30, guard.check(lp, A, 1, 512, false, 4096));
    }

    @Test
    void writeLabelSector_whileLabelling_allowed() {
        guard.setLabelling(true);
        assertEquals(512, guard.check(lp, A, 1, 512, false, 4096));
    }

    @Test
    void writeLabelSector_throughRawPartition_allowed() {
        assertEquals(512, guard.check(lp, D, 64, 512, false, 4096));
    }

    @Test
    void partitionNotCoveringLabel_neverProtected() {
        assertEquals(512, guard.check(lp, 1, 0, 512, false, 4096));
    }

    @Test
    void boundsCheck_eofTruncateEinval() {
        assertEquals(0, guard.check(lp, 1, 100, 512, true, 4096));       // exactly at the end
        assertEquals(1024, guard.check(lp, 1, 98, 4096, true, 4096));    // truncated to 2 sectors
        assertEquals(-22, guard.check(lp, 1, 101, 512, true, 4096));     // beyond the end
        assertEquals(-22, guard.check(lp, 1, -1, 512, true, 4096));      // negative
        assertEquals(0, guard.check(lp, D, 4096, 512, false, 4096));     // raw: media end
        assertEquals(-22, guard.check(lp, D, 4097, 512, false, 4096));
        assertEquals(512, guard.check(lp, D, 4095, 4096, false, 4096));
    }

    @Test
    void zeroSecpercyl_EINVAL() {
        Disklabel l = lp.copy();
        l.secpercyl = 0;
        assertEquals(-22, LabelSectorGuard.boundsCheckWithLabel(l, A, 10, 512, true, false));
    }
}
