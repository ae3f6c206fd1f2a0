package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every fixture, {@code dmemu lvm pvs} and {@code lvs --segments} print exactly the
 * columns LVM2 itself printed for the same images (pv_name, vg_name, pv_uuid, pe_start,
 * pv_pe_count, pv_size; vg_name, lv_name, lv_uuid, seg_start_pe, seg_size_pe, segtype,
 * stripes, stripe_size, seg_pe_ranges), and {@code lvdisplay -m} prints what LVM2's did.
 */
class LvmReportFixtureTest {
    @TempDir
    Path tmp;

    static List<LvmFixtures.Fixture> fixtures() {
        return LvmFixtures.ALL;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void pvsAndLvs_matchLvm2(LvmFixtures.Fixture f) throws IOException {
        List<DiskSpec> disks = LvmFixtures.disks(LvmFixtures.DIR, f, tmp);
        LvmFixtures.Run pvs = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.PVS);
        assertEquals("", pvs.err());
        assertEquals(0, pvs.rc());
        assertEquals(LvmFixtures.expected(LvmFixtures.DIR, f.name() + ".pvs"), LvmFixtures.lines(pvs.out()));
        LvmFixtures.Run lvs = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.LVS);
        assertEquals("", lvs.err());
        assertEquals(0, lvs.rc());
        assertEquals(LvmFixtures.expected(LvmFixtures.DIR, f.name() + ".lvs"), LvmFixtures.lines(lvs.out()));
        LvmFixtures.Run lvd = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.LVDISPLAY);
        assertEquals("", lvd.err());
        assertEquals(0, lvd.rc());
        assertEquals(java.nio.file.Files.readString(LvmFixtures.DIR.resolve(f.name() + ".lvdisplay")), lvd.out());
    }

    /** The "many" fixture's latest metadata continues at the start of the circular buffer. */
    @Test
    void many_latestMetadataWrapsAroundTheBuffer() throws IOException {
        List<DiskSpec> disks = LvmFixtures.disks(LvmFixtures.DIR, LvmFixtures.ALL.get(5), tmp);
        try (Kernel k = Kernel.boot(new KernelConfig(disks, Set.of(), false, false, null))) {
            LvmScan scan = LvmScan.scan(KernelPvDevice.scanDevices(k));
            assertEquals(List.of(), scan.errors());
            assertEquals(1, scan.pvs().size());
            assertTrue(scan.pvs().get(0).wrapped(), "metadata does not wrap: the fixture no longer tests it");
            assertEquals(38, scan.vgs().get("vgmany").meta().lvs().size());
        }
    }
}
