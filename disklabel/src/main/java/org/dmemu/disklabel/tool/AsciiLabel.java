package org.dmemu.disklabel.tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.DkType;
import org.dmemu.disklabel.FsType;

/**
 * Reads a disklabel(8) prototype file (the text {@link DisklabelPrinter} prints) and checks
 * the result: emulates {@code getasciilabel()}, {@code getasciipartspec()}/{@code nxtnum()}/
 * {@code nxtxnum()} and {@code checklabel()} of sbin/disklabel/main.c, for
 * {@code maxpartitions} = 16.
 *
 * <p>Diagnostics are the NetBSD texts ({@code "line 7: syntax error"},
 * {@code "partition a: partition extends past end of unit"}, …), collected in a list.
 *
 * <p>Differences from NetBSD: a line longer than BUFSIZ is not split; after a "too few
 * fields" in the fstype position parsing stops as in NetBSD (its macro breaks the loop).
 */
public final class AsciiLabel {
    private static final int MAXPARTITIONS = Disklabel.MAXPARTITIONS;

    private AsciiLabel() {
    }

    /** Thrown by the number readers: the message is already recorded. */
    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad() {
            super(null, null, false, false);
        }
    }

    /**
     * {@code getasciilabel()}: parses {@code in} into {@code lp} (which should be zeroed),
     * then runs {@link #checklabel}. If {@code defaultSecperunit} &gt; 0 and the file gave no
     * total sectors, that value is used (a dmemu addition for {@code mkdisk}).
     *
     * @return true if there were no errors (warnings are allowed)
     */
    public static boolean getasciilabel(BufferedReader in, Disklabel lp, long defaultSecperunit,
                                        List<String> diags) throws IOException {
        int lineno = 0;
        int errors = 0;
        lp.bbsize = Disklabel.BBSIZE;
        lp.sbsize = Disklabel.SBLOCKSIZE;
        String raw;
        outer:
        while ((raw = in.readLine()) != null) {
            lineno++;
            String line = raw;
            int cut = indexOfAny(line, "#\r\n");
            if (cut >= 0) {
                line = line.substring(0, cut);
            }
            String cp = skip(line);
            if (cp == null) {
                continue;
            }
            int colon = cp.indexOf(':');
            if (colon < 0) {
                diags.add("line " + lineno + ": syntax error");
                errors++;
                continue;
            }
            String tp = skip(cp.substring(colon + 1));
            cp = cp.substring(0, colon);
            if (cp.equals("type")) {
                if (tp == null) {
                    tp = "unknown";
                }
                int t = DkType.lookup(tp);
                if (t >= 0) {
                    lp.type = t;
                    continue;
                }
                long v = getnum(tp, 0xFFFF);
                if (v < 0) {
                    diags.add("line " + lineno + ": syntax error");
                    errors++;
                    continue;
                }
                if (v >= DkType.DKMAXTYPES) {
                    diags.add("line " + lineno + ": warning, unknown disk type: " + tp);
                }
                lp.type = (int) v;
                continue;
            }
            if (cp.equals("flags")) {
                long v = 0;
                if (tp != null) {
                    for (String w : tp.split("[ \t]+")) {
                        if (w.equalsIgnoreCase("removable")) {
                            v |= 0x01;
                        } else if (w.equalsIgnoreCase("ecc")) {
                            v |= 0x02;
                        } else if (w.equalsIgnoreCase("badsect")) {
                            v |= 0x04;
                        } else {
                            diags.add("line " + lineno + ": bad flag: " + w);
                            errors++;
                        }
                    }
                }
                lp.flags = v;
                continue;
            }
            if (cp.equals("drivedata")) {
                if (tp != null) {
                    String[] ws = tp.split("[ \t]+");
                    for (int i = 0; i < ws.length && i < Disklabel.NDDATA; i++) {
                        long v = getnum(ws[i], 0xFFFF_FFFFL);
                        if (v < 0) {
                            diags.add("line " + lineno + ": bad drive data");
                            errors++;
                        } else {
                            lp.drivedata[i] = v;
                        }
                    }
                }
                continue;
            }
            long np = scanPartitions(cp);
            if (np >= 0) {
                if (np == 0 || np > MAXPARTITIONS) {
                    diags.add("line " + lineno + ": bad # of partitions");
                    lp.npartitions = MAXPARTITIONS;
                    errors++;
                } else {
                    lp.npartitions = (int) np;
                }
                continue;
            }
            if (tp == null) {
                tp = "";
            }
            switch (cp) {
                case "disk" -> {
                    lp.setTypename(tp);
                    continue;
                }
                case "label" -> {
                    lp.setPackname(tp);
                    continue;
                }
                case "bytes/sector" -> {
                    long v = getnum(tp, 0xFFFF_FFFFL);
                    if (v <= 0 || v % 512 != 0) {
                        diags.add("line " + lineno + ": bad " + cp + ": " + tp);
                        errors++;
                    } else {
                        lp.secsize = v;
                    }
                    continue;
                }
                case "sectors/track", "sectors/cylinder", "tracks/cylinder", "cylinders",
                     "total sectors", "sectors/unit", "headswitch", "track-to-track seek" -> {
                    long v = getnum(tp, 0xFFFF_FFFFL);
                    if (v < 0) {
                        diags.add("line " + lineno + ": bad " + cp + ": " + tp);
                        errors++;
                        continue;
                    }
                    switch (cp) {
                        case "sectors/track" -> lp.nsectors = v;
                        case "sectors/cylinder" -> lp.secpercyl = v;
                        case "tracks/cylinder" -> lp.ntracks = v;
                        case "cylinders" -> lp.ncylinders = v;
                        case "headswitch" -> lp.headswitch = v;
                        case "track-to-track seek" -> lp.trkseek = v;
                        default -> lp.secperunit = v;
                    }
                    continue;
                }
                case "rpm", "interleave", "trackskew", "cylinderskew" -> {
                    long v = getnum(tp, 0xFFFF);
                    if (v < 0) {
                        diags.add("line " + lineno + ": bad " + cp + ": " + tp);
                        errors++;
                        continue;
                    }
                    switch (cp) {
                        case "rpm" -> lp.rpm = (int) v;
                        case "interleave" -> lp.interleave = (int) v;
                        case "trackskew" -> lp.trackskew = (int) v;
                        default -> lp.cylskew = (int) v;
                    }
                    continue;
                }
                default -> {
                }
            }
            if (cp.length() != 1 || cp.charAt(0) < 'a' || cp.charAt(0) > 'z') {
                diags.add("line " + lineno + ": unknown field: " + cp);
                errors++;
                continue;
            }
            int part = cp.charAt(0) - 'a';
            if (part >= MAXPARTITIONS) {
                diags.add("line " + lineno + ": bad partition name: " + cp);
                errors++;
                continue;
            }
            Cursor c = new Cursor(tp);
            try {
                long size = nxtxnum(c, lp, lineno, diags);
                long offset = nxtxnum(c, lp, lineno, diags);
                String rest = c.rest();
                int k = 0;
                while (k < rest.length() && (rest.charAt(k) == ' ' || rest.charAt(k) == '\t')) {
                    k++;
                }
                rest = rest.substring(k);
                if (rest.isEmpty()) {
                    diags.add("line " + lineno + ": too few fields");
                    errors++;
                    break outer;
                }
                int fstype = -1;
                String after = null;
                for (int t = 0; t < FsType.FSMAXTYPES; t++) {
                    String s = FsType.name(t);
                    if (rest.startsWith(s) && (rest.length() == s.length()
                            || rest.charAt(s.length()) == ' ' || rest.charAt(s.length()) == '\t')) {
                        fstype = t;
                        after = skip(rest.substring(s.length()));
                        break;
                    }
                }
                if (fstype < 0) {
                    String[] two = rest.split("[ \t]+", 2);
                    String word = two[0];
                    after = two.length > 1 ? skip(two[1]) : null;
                    long v;
                    if (Character.isDigit(word.charAt(0))) {
                        v = getnum(word, 0xFF);
                        if (v < 0) {
                            diags.add("line " + lineno + ": syntax error");
                            errors++;
                            v = 0;
                        }
                    } else {
                        v = FsType.FSMAXTYPES;
                    }
                    if (v >= FsType.FSMAXTYPES) {
                        diags.add("line " + lineno + ": warning, unknown file system type: "
                                + word);
                        diags.add("tip: use -l to see all valid file system types");
                        v = FsType.UNUSED;
                    }
                    fstype = (int) v;
                }
                DisklabelPartition old = lp.partitions[part];
                long fsize = old.fsize();
                int frag = old.frag();
                int cpg = old.cpg();
                Cursor d = new Cursor(after);
                switch (fstype) {
                    case FsType.UNUSED, FsType.EX2FS -> {
                        fsize = nxtnum(d, lineno, diags);
                        if (fsize != 0) {
                            frag = (int) ((nxtnum(d, lineno, diags) / fsize) & 0xFF);
                        }
                    }
                    case FsType.BSDFFS, FsType.ADOS, FsType.APPLEUFS, FsType.BSDLFS -> {
                        fsize = nxtnum(d, lineno, diags);
                        if (fsize != 0) {
                            frag = (int) ((nxtnum(d, lineno, diags) / fsize) & 0xFF);
                            cpg = (int) (nxtnum(d, lineno, diags) & 0xFFFF);
                        }
                    }
                    case FsType.ISO9660 -> fsize = nxtnum(d, lineno, diags);
                    default -> {
                    }
                }
                lp.partitions[part] = new DisklabelPartition(size, offset, fsize, fstype, frag,
                        cpg);
            } catch (Bad b) {
                errors++;
            }
        }
        if (lp.secperunit == 0 && defaultSecperunit > 0) {
            lp.secperunit = Math.min(defaultSecperunit, 0xFFFF_FFFFL);
        }
        errors += checklabel(lp, diags);
        return errors == 0;
    }

    /**
     * {@code checklabel()}: fatal when secsize, nsectors or ntracks is 0; errors for 0
     * cylinders, bbsize, sbsize and partitions past {@code d_secperunit}; warnings otherwise.
     * Fills {@code d_secpercyl}/{@code d_secperunit} when 0 and raises d_npartitions when an
     * entry beyond it is set.
     *
     * @return the number of errors
     */
    public static int checklabel(Disklabel lp, List<String> diags) {
        int errors = 0;
        if (lp.secsize == 0) {
            diags.add("sector size " + lp.secsize);
            return 1;
        }
        if (lp.nsectors == 0) {
            diags.add("sectors/track " + lp.nsectors);
            return 1;
        }
        if (lp.ntracks == 0) {
            diags.add("tracks/cylinder " + lp.ntracks);
            return 1;
        }
        if (lp.ncylinders == 0) {
            diags.add("cylinders/unit " + lp.ncylinders);
            errors++;
        }
        if (lp.rpm == 0) {
            diags.add("warning, revolutions/minute " + lp.rpm);
        }
        if (lp.secpercyl == 0) {
            lp.secpercyl = (lp.nsectors * lp.ntracks) & 0xFFFF_FFFFL;
        }
        if (lp.secperunit == 0) {
            lp.secperunit = (lp.secpercyl * lp.ncylinders) & 0xFFFF_FFFFL;
        }
        if (lp.bbsize == 0) {
            diags.add("boot block size " + lp.bbsize);
            errors++;
        } else if (lp.bbsize % lp.secsize != 0) {
            diags.add("warning, boot block size % sector-size != 0");
        }
        if (lp.sbsize == 0) {
            diags.add("super block size " + lp.sbsize);
            errors++;
        } else if (lp.sbsize % lp.secsize != 0) {
            diags.add("warning, super block size % sector-size != 0");
        }
        if (lp.npartitions > MAXPARTITIONS) {
            diags.add("warning, number of partitions (" + lp.npartitions + ") > MAXPARTITIONS ("
                    + MAXPARTITIONS + ")");
        } else {
            for (int i = MAXPARTITIONS - 1; i >= lp.npartitions; i--) {
                DisklabelPartition pp = lp.partitions[i];
                if (pp.size() != 0 || pp.offset() != 0) {
                    diags.add("warning, partition " + Disklabel.letter(i)
                            + " increased number of partitions from " + lp.npartitions + " to "
                            + (i + 1));
                    lp.npartitions = i + 1;
                    break;
                }
            }
        }
        int n = Math.min(lp.npartitions, MAXPARTITIONS);
        for (int i = 0; i < n; i++) {
            char part = Disklabel.letter(i);
            DisklabelPartition pp = lp.partitions[i];
            if (pp.size() == 0 && pp.offset() != 0) {
                diags.add("warning, partition " + part + ": size 0, but offset " + pp.offset());
            }
            if (pp.offset() > lp.secperunit) {
                diags.add("partition " + part + ": offset past end of unit");
                errors++;
            }
            if (((pp.offset() + pp.size()) & 0xFFFF_FFFFL) > lp.secperunit) {
                diags.add("partition " + part + ": partition extends past end of unit");
                errors++;
            }
            if (pp.fstype() != FsType.UNUSED) {
                for (int j = i + 1; j < n; j++) {
                    DisklabelPartition qp = lp.partitions[j];
                    if (qp.fstype() == FsType.UNUSED) {
                        continue;
                    }
                    if (pp.offset() < qp.offset() + qp.size()
                            && qp.offset() < pp.offset() + pp.size()) {
                        diags.add("partitions " + part + " and " + Disklabel.letter(j)
                                + " overlap");
                    }
                }
            }
        }
        return errors;
    }

    /** A position in a line, for the strtoul-style readers. */
    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return s == null || pos >= s.length();
        }

        String rest() {
            return s == null ? "" : s.substring(pos);
        }
    }

    /** {@code getulong()}: decimal, at most {@code max}; the next char must be NUL, sep or space. */
    private static long getulong(Cursor c, char sep, long max) {
        int i = c.pos;
        String s = c.s;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (start == i) {
            return -1;
        }
        if (i - start > 18) {
            return -1;
        }
        long v = Long.parseLong(s.substring(start, i));
        if (v > max) {
            return -1;
        }
        if (i < s.length() && s.charAt(i) != sep && !Character.isWhitespace(s.charAt(i))) {
            return -1;
        }
        c.pos = i;
        return v;
    }

    private static long nxtnum(Cursor c, int lineno, List<String> diags) throws Bad {
        if (c.atEnd()) {
            diags.add("line " + lineno + ": too few fields");
            throw new Bad();
        }
        long v = getulong(c, '\0', 0xFFFF_FFFFL);
        if (v < 0) {
            diags.add("line " + lineno + ": syntax error");
            throw new Bad();
        }
        return v;
    }

    private static long nxtxnum(Cursor c, Disklabel lp, int lineno, List<String> diags)
            throws Bad {
        if (c.atEnd()) {
            diags.add("line " + lineno + ": too few fields");
            throw new Bad();
        }
        long n = getulong(c, '/', 0xFFFF_FFFFL);
        if (n < 0) {
            diags.add("line " + lineno + ": invalid format");
            throw new Bad();
        }
        if (c.pos < c.s.length() && c.s.charAt(c.pos) == '/') {
            n *= lp.secpercyl;
            c.pos++;
            long v = getulong(c, '/', 0xFFFF_FFFFL);
            if (v < 0 || c.pos >= c.s.length() || c.s.charAt(c.pos) != '/') {
                diags.add("line " + lineno + ": invalid format");
                throw new Bad();
            }
            n += v * lp.nsectors;
            c.pos++;
            v = getulong(c, '\0', 0xFFFF_FFFFL);
            if (v < 0) {
                diags.add("line " + lineno + ": invalid format");
                throw new Bad();
            }
            n += v;
        }
        return n & 0xFFFF_FFFFL;
    }

    /** GETNUM8/16/32: the whole string (up to trailing blanks) is one decimal ≤ max, else -1. */
    private static long getnum(String s, long max) {
        Cursor c = new Cursor(s.strip());
        long v = getulong(c, '\0', max);
        return v >= 0 && c.atEnd() ? v : -1;
    }

    /** {@code sscanf(cp, "%lu partitions", &v) == 1}: v, or -1 if cp does not start with a number. */
    private static long scanPartitions(String cp) {
        int i = 0;
        while (i < cp.length() && Character.isWhitespace(cp.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < cp.length() && Character.isDigit(cp.charAt(i))) {
            i++;
        }
        if (start == i || i - start > 18) {
            return -1;
        }
        // sscanf counts the conversion even when the literal " partitions" does not follow.
        return Long.parseLong(cp.substring(start, i));
    }

    private static String skip(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i == s.length() ? null : s.substring(i);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
