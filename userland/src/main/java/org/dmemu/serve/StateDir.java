package org.dmemu.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dmemu.kern.DiskSpec;

/**
 * The state directory of {@code dmemu serve}: the default disks {@code wd0.img} and
 * {@code wd1.img} (256 MiB each, sparse), created on first run with an MBR holding one NetBSD
 * partition at sector 63 and a disklabel with an {@code a} partition, and the control socket.
 */
public final class StateDir {
    /** Size of each default disk image. */
    public static final long DEFAULT_DISK_BYTES = 256L * 1024 * 1024;

    private StateDir() {
    }

    /** Creates the missing default images and returns the disk specs for wd0 and wd1. */
    static List<DiskSpec> defaultDisks(Path state, PrintStream out) throws IOException {
        DiskSpec[] specs = new DiskSpec[2];
        for (int unit = 0; unit < 2; unit++) {
            Path img = state.resolve("wd" + unit + ".img").toAbsolutePath();
            if (!Files.exists(img)) {
                createImage(img, DEFAULT_DISK_BYTES);
                out.println("dmemu serve: created " + img + " (256 MiB, MBR + disklabel)");
            }
            specs[unit] = new DiskSpec("wd" + unit, "file:" + img, 512);
        }
        return List.of(specs);
    }

    /** A sparse image of {@code bytes} bytes, labelled. */
    static void createImage(Path img, long bytes) throws IOException {
        Path tmp = img.resolveSibling(img.getFileName() + ".tmp");
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
            f.setLength(bytes);
        }
        DiskImageLabel.write(tmp, bytes);
        Files.move(tmp, img);
    }
}
