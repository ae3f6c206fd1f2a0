package org.dmemu.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.KernelTransport;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.xml.PropInternalizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The request dictionaries of {@code dmemu lvm} activation and deactivation, each in order,
 * against a fresh kernel with a fixture's disks, equal the golden files in
 * src/test/resources/golden/lvm (format and provenance in its README). Regenerate with
 * {@code -Dgolden.update=true} and review the diff.
 */
class LvmRequestGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/lvm");

    @TempDir
    Path tmp;

    /** Records each request as proplib prints it, then passes it to the kernel. */
    static final class Recorder implements DmTransport {
        final List<String> lines = new ArrayList<>();
        private final DmTransport next;

        Recorder(DmTransport next) {
            this.next = next;
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] plist) {
            try {
                PropDictionary d = (PropDictionary) PropInternalizer.internalize(plist, 0, plist.length,
                        PropInternalizer.Mode.KERNEL);
                lines.add(d.toString());
            } catch (Exception e) {
                throw new AssertionError("request does not internalize", e);
            }
            return next.ioctl(cmd, plist);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "lvchange-ay-linear | linear | | lvchange -ay vg0/lv0",
        "lvchange-an-linear | linear | lvchange -ay vg0/lv0 | lvchange -an vg0/lv0",
        "lvchange-ay-again | linear | lvchange -ay vg0/lv0 | lvchange -ay vg0/lv0",
        "vgchange-ay-linear | linear | | vgchange -ay vg0",
        "vgchange-an-linear | linear | vgchange -ay vg0 | vgchange -an vg0",
        "lvchange-ay-striped | striped | | lvchange -ay vgstripe/stripe",
        "lvchange-ay-renamed | renamed | | lvchange -ay vg-ren/new-lv",
        "lvchange-ay-span | span | | lvchange -ay vgspan/big",
    })
    void requests(String golden, String fixture, String before, String command) throws IOException {
        LvmFixtures.Fixture f = LvmFixtures.ALL.stream().filter(x -> x.name().equals(fixture)).findFirst()
                .orElseThrow();
        List<DiskSpec> disks = LvmFixtures.disks(LvmFixtures.DIR, f, tmp);
        try (Kernel k = Kernel.boot(new KernelConfig(disks, Set.of(), false, false, null))) {
            if (before != null) {
                LvmFixtures.Run r = LvmFixtures.lvm(disks, new KernelTransport(k), List.of(before.split(" ")));
                assertEquals(0, r.rc(), r.err());
            }
            Recorder rec = new Recorder(new KernelTransport(k));
            LvmFixtures.Run r = LvmFixtures.lvm(disks, rec, List.of(command.split(" ")));
            StringBuilder got = new StringBuilder();
            got.append("# dmemu lvm ").append(command).append("  (fixture ").append(fixture)
                    .append(before != null ? ", after: " + before : "").append(")\n");
            got.append("# exit ").append(r.rc()).append('\n');
            for (String l : r.out().split("\n")) {
                if (!l.isEmpty()) {
                    got.append("# stdout: ").append(l).append('\n');
                }
            }
            for (String l : r.err().split("\n")) {
                if (!l.isEmpty()) {
                    got.append("# stderr: ").append(l).append('\n');
                }
            }
            for (String l : rec.lines) {
                got.append(l).append('\n');
            }
            Path file = GOLDEN.resolve(golden + ".txt");
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(GOLDEN);
                Files.writeString(file, got.toString(), StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), got.toString());
        }
    }
}
