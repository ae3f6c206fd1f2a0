package org.dmemu.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmemu.disklabel.tool.IoErrors;
import org.dmemu.libdevmapper.DmTask;

/**
 * Reads a table into a task for {@code create}, {@code load} and {@code reload}: LVM2 2.02.56
 * tools/dmsetup.c {@code _parse_file} and {@code _parse_line}. The table comes from
 * {@code --table} (one line), a table file, or stdin; each line is
 * {@code <start> <length> <target> <params>}, blank lines and {@code #} lines are skipped,
 * and a {@code #} in the params ends them.
 *
 * <p>Differences from NetBSD/LVM2:
 * <ul>
 * <li>Table lines are read whole (C's {@code fgets} cuts lines at 4095 bytes).</li>
 * <li>A read error names the file and the reason (LVM2's loop ends quietly).</li>
 * </ul>
 */
final class DmsetupTableFile {
    private final DmsetupContext c;
    private final PrintStream err;

    DmsetupTableFile(DmsetupContext c) {
        this.c = c;
        this.err = c.err;
    }

    /** {@code _parse_file}: every line of {@code file} (stdin if null) added to {@code t}. */
    boolean parseFile(DmTask t, String file) {
        if (c.opts.table != null) {
            return parseLine(t, c.opts.table, "", 1);
        }
        BufferedReader r;
        if (file != null) {
            try {
                r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                err.print("Couldn't open '" + file + "' for reading\n");
                return false;
            }
        } else {
            r = new BufferedReader(new InputStreamReader(c.in, StandardCharsets.UTF_8));
        }
        int line = 0;
        try (BufferedReader rr = r) {
            String l;
            while ((l = rr.readLine()) != null) {
                if (!parseLine(t, l, file != null ? file : "on stdin", ++line)) {
                    return false;
                }
            }
        } catch (IOException e) {
            // LVM2's getline loop would end quietly here; name the file and the reason instead.
            err.print("Couldn't read table file " + (file != null ? "'" + file + "'" : "on stdin") + ": "
                    + IoErrors.reason(e) + "\n");
            return false;
        }
        return true;
    }

    /** {@code _parse_line}: false after the error message. */
    private boolean parseLine(DmTask t, String buffer, String file, int line) {
        int end = buffer.length();
        while (end > 0 && TableLineScanner.isSpace(buffer.charAt(end - 1))) {
            end--;
        }
        int p = 0;
        while (p < end && TableLineScanner.isSpace(buffer.charAt(p))) {
            p++;
        }
        String s = buffer.substring(p, end);
        if (s.isEmpty() || s.charAt(0) == '#') {
            return true;
        }
        TableLineScanner sc = new TableLineScanner();
        if (!sc.scanComplete(s)) {
            err.print("Invalid format on line " + line + " of table " + file + "\n");
            return false;
        }
        String params = sc.params;
        int hash = params.indexOf('#');
        if (hash >= 0) {
            params = params.substring(0, hash);
        }
        t.addTarget(sc.start, sc.length, sc.target, params);
        return true;
    }
}
