package org.dmemu.disklabel.tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.ImageFile;

/**
 * {@code dmemu disklabel [-r] IMAGE} prints the NetBSD disklabel of a disk image in
 * disklabel(8)'s format; {@code dmemu disklabel [-r] -R IMAGE PROTOFILE} writes a label read
 * from a prototype file. Emulates sbin/disklabel/main.c on a regular file (where {@code -r} is
 * implied: no ioctl is issued).
 *
 * <p>Exit status: 0; 1 when the image has no valid label (one line naming the check that
 * failed), when the prototype has errors, or when the label does not fit the image; 64 for a
 * usage mistake.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>When no label is found, the message names the rejected candidate and its failed check
 *       (NetBSD: "could not read existing label").</li>
 *   <li>A label whose partitions or total size extend past the end of the image is reported as
 *       an error (NetBSD only compares with {@code d_secperunit}).</li>
 *   <li>Only {@code -r} and {@code -R} are supported.</li>
 * </ul>
 */
public final class DisklabelTool {
    private static final String USAGE =
            "usage: dmemu disklabel [-r] IMAGE | dmemu disklabel [-r] -R IMAGE PROTOFILE";

    private DisklabelTool() {
    }

    /** Runs the command; see the class comment. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        boolean restore = false;
        List<String> operands = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else if (a.equals("-r")) {
                continue;
            } else if (a.equals("-R")) {
                restore = true;
            } else if (a.startsWith("-") && a.length() > 1) {
                err.println("dmemu disklabel: unknown option " + a + " (" + USAGE + ")");
                return 64;
            } else {
                operands.add(a);
            }
        }
        if (operands.size() != (restore ? 2 : 1)) {
            err.println("dmemu disklabel: wrong number of arguments (" + USAGE + ")");
            return 64;
        }
        String image = operands.get(0);
        try {
            return restore ? restore(image, operands.get(1), out, err) : print(image, out, err);
        } catch (NoSuchFileException e) {
            err.println("dmemu disklabel: " + e.getFile() + ": no such file");
            return 1;
        } catch (IOException e) {
            err.println("dmemu disklabel: " + image + ": " + e.getMessage());
            return 1;
        }
    }

    private static int print(String image, PrintStream out, PrintStream err) throws IOException {
        try (ImageFile f = ImageFile.openReadOnly(Path.of(image))) {
            List<String> rejects = new ArrayList<>();
            DisklabelDirect.Found found = DisklabelDirect.readlabelDirect(f, rejects);
            if (found == null) {
                String why = rejects.isEmpty() ? "no disklabel (no DISKMAGIC in the 8 KiB of any"
                        + " NetBSD MBR partition nor of LBA 0)" : rejects.get(0);
                err.println("dmemu disklabel: " + image + ": could not read existing label: "
                        + why);
                return 1;
            }
            Disklabel lp = found.label();
            out.print(DisklabelPrinter.format(lp, image));
            out.flush();
            List<String> diags = new ArrayList<>();
            int errors = AsciiLabel.checklabel(lp.copy(), diags);
            for (String d : diags) {
                err.println("dmemu disklabel: " + d);
            }
            String fit = fitsImage(lp, f.sectorCount());
            if (fit != null) {
                err.println("dmemu disklabel: " + image + ": " + fit);
                return 1;
            }
            return errors == 0 ? 0 : 1;
        }
    }

    private static int restore(String image, String proto, PrintStream out, PrintStream err)
            throws IOException {
        Disklabel lab = new Disklabel();
        List<String> diags = new ArrayList<>();
        boolean ok;
        try (BufferedReader r = Files.newBufferedReader(Path.of(proto),
                StandardCharsets.ISO_8859_1)) {
            ok = AsciiLabel.getasciilabel(r, lab, 0, diags);
        }
        for (String d : diags) {
            err.println("dmemu disklabel: " + proto + ": " + d);
        }
        if (!ok) {
            return 1;
        }
        DisklabelCodec.seal(lab);
        try (ImageFile f = ImageFile.openReadWrite(Path.of(image))) {
            String fit = fitsImage(lab, f.sectorCount());
            if (fit != null) {
                err.println("dmemu disklabel: " + image + ": " + fit);
                return 1;
            }
            DisklabelDirect.writelabelDirect(f, lab);
        }
        return 0;
    }

    /** Null if the label's partitions and total size fit in {@code sectors}, else the reason. */
    static String fitsImage(Disklabel lp, long sectors) {
        if (lp.secperunit > sectors) {
            return "label outside the disk: total sectors " + lp.secperunit + " > image size "
                    + sectors + " sectors";
        }
        int n = Math.min(lp.npartitions, Disklabel.MAXPARTITIONS);
        for (int i = 0; i < n; i++) {
            DisklabelPartition p = lp.partitions[i];
            if (p.size() != 0 && p.offset() + p.size() > sectors) {
                return "label outside the disk: partition " + Disklabel.letter(i) + " ends at sector "
                        + (p.offset() + p.size()) + " > image size " + sectors + " sectors";
            }
        }
        return null;
    }
}
