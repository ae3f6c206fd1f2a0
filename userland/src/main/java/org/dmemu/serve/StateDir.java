package org.dmemu.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dmemu.disklabel.tool.MkdiskTool;
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

    /**
     * A sparse image of {@code bytes} bytes with an MBR (NetBSD partition at 63) and a
     * disklabel, made by the disklabel module's {@code dmemu mkdisk IMAGE --size N --mbr}.
     */
    static void createImage(Path img, long bytes) throws IOException {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(diag, true, StandardCharsets.UTF_8);
        int rc = MkdiskTool.run(new String[] {img.toString(), "--size", (bytes / 512) + "s", "--mbr"},
                InputStream.nullInputStream(), p, p);
        if (rc != 0) {
            throw new IOException(diag.toString(StandardCharsets.UTF_8).trim());
        }
    }
}
