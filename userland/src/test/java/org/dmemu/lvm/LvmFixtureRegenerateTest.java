package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmemu.kern.DiskSpec;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates every fixture with the host's real LVM2 (make-fixtures.sh on loop devices) and
 * checks that {@code dmemu lvm} reports the new images exactly as LVM2 did. Needs root and
 * loop devices: skipped when {@code losetup -f} cannot find one; when it can, it runs, and
 * under {@code CI=true} a missing {@code lvm} or {@code gzip} fails it (CI runs as root).
 */
class LvmFixtureRegenerateTest {
    @TempDir
    Path tmp;

    @Test
    void realLvm2_newFixtures_dmemuReportsThemAsLvm2Does() throws Exception {
        Tools.require("losetup");
        Tools.Run free = Tools.run("losetup", "-f");
        assumeTrue(free.exit() == 0 && new File("/dev/loop-control").canWrite(),
                "loop devices cannot be set up here (losetup -f: " + free.err().trim() + ")");
        Tools.require("lvm");
        Tools.require("gzip");
        String java = ProcessHandle.current().info().command().orElse("java");
        String mkdisk = java + " -cp " + System.getProperty("java.class.path") + " org.dmemu.cli.Main mkdisk";
        Path out = tmp.resolve("fixtures");
        ProcessBuilder pb = new ProcessBuilder("bash", LvmFixtures.DIR.resolve("make-fixtures.sh").toString(),
                out.toString());
        pb.environment().put("MKDISK", mkdisk);
        pb.environment().put("FIXTURE_RAW", "1");
        Path log = tmp.resolve("make-fixtures.log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("make-fixtures.sh did not finish in 240 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        assertEquals(0, p.exitValue(), () -> "make-fixtures.sh failed:\n" + readLog(log));
        for (LvmFixtures.Fixture f : LvmFixtures.ALL) {
            List<DiskSpec> disks = new java.util.ArrayList<>();
            for (int u = 0; u < f.images().size(); u++) {
                disks.add(new DiskSpec("wd" + u, "file:" + out.resolve(f.images().get(u) + ".img"), 512));
            }
            LvmFixtures.Run pvs = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.PVS);
            assertEquals(0, pvs.rc(), pvs.err());
            assertEquals(LvmFixtures.expected(out, f.name() + ".pvs"), LvmFixtures.lines(pvs.out()), f.name());
            LvmFixtures.Run lvs = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.LVS);
            assertEquals(0, lvs.rc(), lvs.err());
            assertEquals(LvmFixtures.expected(out, f.name() + ".lvs"), LvmFixtures.lines(lvs.out()), f.name());
            LvmFixtures.Run lvd = LvmFixtures.lvm(disks, LvmFixtures.NO_KERNEL, LvmFixtures.LVDISPLAY);
            assertEquals(0, lvd.rc(), lvd.err());
            assertEquals(Files.readString(out.resolve(f.name() + ".lvdisplay")), lvd.out(), f.name());
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
