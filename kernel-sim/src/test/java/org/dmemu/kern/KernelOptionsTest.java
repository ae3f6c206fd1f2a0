package org.dmemu.kern;

import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The one parser of kernel options shared by serve and replay. */
class KernelOptionsTest {
    private static KernelOptions parse(String... args) {
        KernelOptions o = new KernelOptions();
        for (int i = 0; i < args.length; i++) {
            int n = o.accept(args, i);
            assertTrue(n > 0, args[i]);
            i += n - 1;
        }
        return o;
    }

    @Test
    void everyOption() {
        KernelOptions o = parse("--disk", "sd0=mem:1M,secsize=4096", "--disk=wd2=mem:2M", "--targets", "delay",
                "--targets=flakey", "--strict-errno", "--strict-offsets", "--trace", "--lint");
        assertEquals(List.of(new DiskSpec("sd0", "mem:1M", 4096), new DiskSpec("wd2", "mem:2M", 512)), o.disks());
        assertEquals(Set.of("delay", "flakey"), o.targets());
        assertTrue(o.strictErrno() && o.strictOffsets() && o.trace() && o.lint());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        KernelConfig c = o.config(List.of(new DiskSpec("wd0", "mem:1M", 512)), ps);
        assertEquals(o.disks(), c.disks());
        assertTrue(c.strictErrno() && c.strictOffsets());
        // --trace: the steps are printed as text on the stream given
        new Trace(c.trace()).emit(1, TracePoint.of("dmioctl", "dmioctl {path}"), "/dev/mapper/control");
        assertEquals("  dmioctl /dev/mapper/control" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void defaults_andWhatIsNotAKernelOption() {
        KernelOptions o = new KernelOptions();
        for (String a : new String[] {"FILE", "-", "--state", "--nbd-port", "--strict", "--disks"}) {
            assertEquals(0, o.accept(new String[] {a, "x"}, 0), a);
        }
        List<DiskSpec> def = List.of(new DiskSpec("wd0", "mem:1M", 512));
        KernelConfig c = o.config(def, System.err);
        assertEquals(def, c.disks());
        assertFalse(c.strictErrno() || c.strictOffsets());
        assertNull(c.trace());
        assertEquals(Set.of(), c.extraTargets());
    }

    @Test
    void mistakes_oneLineEach() {
        KernelOptions o = new KernelOptions();
        assertEquals("--disk needs a value",
                assertThrows(IllegalArgumentException.class, () -> o.accept(new String[] {"--disk"}, 0)).getMessage());
        assertEquals("--targets: unknown target 'thin-pool' (extra targets: delay, flakey, multipath, snapshot, mirror, crypt)",
                assertThrows(IllegalArgumentException.class, () -> o.accept(new String[] {"--targets", "thin-pool"}, 0))
                        .getMessage());
        String m = assertThrows(IllegalArgumentException.class, () -> o.accept(new String[] {"--disk=xx0=mem:1M"}, 0))
                .getMessage();
        assertTrue(m.startsWith("--disk: ") && !m.contains("\n"), m);
    }

    @Test
    void helpNamesEveryOption_synopsisToo() {
        for (String opt : new String[] {"--disk", "--targets", "--strict-errno", "--strict-offsets", "--trace", "--lint"}) {
            assertTrue(KernelOptions.HELP.contains("  " + opt + " "), opt);
            assertTrue(KernelOptions.SYNOPSIS.contains(opt), opt);
        }
    }
}
