package org.dmemu.lvm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.dmemu.kern.DiskSpec;
import org.dmemu.libdm.DmTransport;

/**
 * The LVM2 fixtures of src/test/fixtures/lvm (see its README): their images, unpacked as
 * sparse files into a test's temporary directory, and LVM2's own report for them.
 */
final class LvmFixtures {
    static final Path DIR = Path.of("src/test/fixtures/lvm");

    /** The report options make-fixtures.sh gave LVM2; dmemu lvm gets the same ones. */
    static final List<String> PVS = List.of("pvs", "--noheadings", "--separator", " ", "--units", "s", "--nosuffix",
            "-o", "pv_name,vg_name,pv_uuid,pe_start,pv_pe_count,pv_size");
    static final List<String> LVS = List.of("lvs", "-a", "--noheadings", "--separator", " ", "--units", "s",
            "--nosuffix", "--segments", "-o",
            "vg_name,lv_name,lv_uuid,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,seg_pe_ranges");

    /**
     * One fixture: its images (disk units wd0, wd1 … in order) and where its PVs start on
     * each disk, in sectors (partition a's offset).
     */
    record Fixture(String name, List<String> images, long partOffset) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Fixture> ALL = List.of(
            new Fixture("linear", List.of("linear"), 0),
            new Fixture("multiseg", List.of("multiseg"), 0),
            new Fixture("striped", List.of("striped0", "striped1"), 0),
            new Fixture("span", List.of("span0", "span1"), 2048),
            new Fixture("renamed", List.of("renamed"), 0),
            new Fixture("many", List.of("many"), 0));

    private LvmFixtures() {
    }

    /** Unpacks {@code NAME.img.gz.gz} from {@code dir} to {@code to/NAME.img}, leaving zero blocks as holes. */
    static Path unpack(Path dir, String image, Path to) throws IOException {
        Path out = to.resolve(image + ".img");
        try (InputStream in = new GZIPInputStream(new GZIPInputStream(Files.newInputStream(
                dir.resolve(image + ".img.gz.gz"))));
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] block = new byte[65536];
            long pos = 0;
            while (true) {
                int n = in.readNBytes(block, 0, block.length);
                if (n <= 0) {
                    break;
                }
                boolean zero = true;
                for (int i = 0; i < n && zero; i++) {
                    zero = block[i] == 0;
                }
                if (!zero) {
                    ch.write(ByteBuffer.wrap(block, 0, n), pos);
                }
                pos += n;
            }
            ch.truncate(pos);
            if (ch.size() < pos) {
                ch.write(ByteBuffer.wrap(new byte[1]), pos - 1);
            }
        }
        return out;
    }

    /** Unpacks every image of {@code f} and returns the --disk specs wd0=…, wd1=…. */
    static List<DiskSpec> disks(Path dir, Fixture f, Path to) throws IOException {
        List<DiskSpec> d = new ArrayList<>();
        for (int u = 0; u < f.images().size(); u++) {
            d.add(new DiskSpec("wd" + u, "file:" + unpack(dir, f.images().get(u), to), 512));
        }
        return d;
    }

    /** The result of one {@code dmemu lvm} run. */
    record Run(int rc, String out, String err) {
    }

    /** lvdisplay as make-fixtures.sh ran it (its creation times in UTC: TZ=UTC). */
    static final List<String> LVDISPLAY = List.of("lvdisplay", "-m", "--driverloaded", "n");

    /** {@code dmemu lvm --disk … ARGS} with {@code transport} for the control socket, TZ=UTC. */
    static Run lvm(List<DiskSpec> disks, DmTransport transport, List<String> args) {
        List<String> a = new ArrayList<>();
        for (DiskSpec d : disks) {
            a.add("--disk");
            a.add(d.unit() + "=" + d.source());
        }
        a.addAll(args);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = LvmTool.run(a.toArray(new String[0]), Map.of("TZ", "UTC"), transport,
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** LVM2's report lines as the fixture script saved them (leading blanks already removed). */
    static List<String> expected(Path dir, String file) throws IOException {
        return Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
    }

    /** Report lines without LVM2's leading indentation, as the fixture script strips it. */
    static List<String> lines(String out) {
        List<String> l = new ArrayList<>();
        for (String s : out.split("\n")) {
            if (!s.isEmpty()) {
                l.add(s.replaceFirst("^ +", ""));
            }
        }
        return l;
    }

    /** A transport that fails the test if anything is sent (reports need no kernel). */
    static final DmTransport NO_KERNEL = (cmd, plist) -> {
        throw new AssertionError("no request expected");
    };
}
