package org.dmemu.disklabel.tool;

import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.DkType;
import org.dmemu.disklabel.FsType;

/**
 * Prints a label in disklabel(8)'s text form: emulates {@code showinfo()} and
 * {@code showpartitions()}/{@code showpartition()} of sbin/disklabel/printlabel.c (the
 * PRIu32 revision), without the {@code -C} cylinder/track/sector format.
 *
 * <p>Differences from NetBSD: none in the output; the arithmetic of the "Cyl." comment is
 * done modulo 2³² as the C {@code uint32_t} expressions are.
 */
public final class DisklabelPrinter {
    private DisklabelPrinter() {
    }

    /** The whole text, as {@code disklabel IMAGE} prints it. */
    public static String format(Disklabel lp, String specname) {
        StringBuilder sb = new StringBuilder();
        showinfo(sb, lp, specname);
        showpartitions(sb, lp);
        return sb.toString();
    }

    /** {@code showinfo()}: the header lines and a blank line. */
    public static void showinfo(StringBuilder f, Disklabel lp, String specname) {
        f.append("# ").append(specname).append(":\n");
        String tn = DkType.name(lp.type);
        f.append("type: ").append(tn != null ? tn : Integer.toString(lp.type)).append('\n');
        f.append("disk: ").append(lp.typenameString()).append('\n');
        f.append("label: ").append(lp.packnameString()).append('\n');
        f.append("flags:");
        if ((lp.flags & 0x01) != 0) {
            f.append(" removable");
        }
        if ((lp.flags & 0x02) != 0) {
            f.append(" ecc");
        }
        if ((lp.flags & 0x04) != 0) {
            f.append(" badsect");
        }
        f.append('\n');
        f.append("bytes/sector: ").append(lp.secsize).append('\n');
        f.append("sectors/track: ").append(lp.nsectors).append('\n');
        f.append("tracks/cylinder: ").append(lp.ntracks).append('\n');
        f.append("sectors/cylinder: ").append(lp.secpercyl).append('\n');
        f.append("cylinders: ").append(lp.ncylinders).append('\n');
        f.append("total sectors: ").append(lp.secperunit).append('\n');
        f.append("rpm: ").append(lp.rpm).append('\n');
        f.append("interleave: ").append(lp.interleave).append('\n');
        f.append("trackskew: ").append(lp.trackskew).append('\n');
        f.append("cylinderskew: ").append(lp.cylskew).append('\n');
        f.append("headswitch: ").append(lp.headswitch).append("\t\t# microseconds\n");
        f.append("track-to-track seek: ").append(lp.trkseek).append("\t# microseconds\n");
        f.append("drivedata: ");
        int i;
        for (i = Disklabel.NDDATA - 1; i >= 0; i--) {
            if (lp.drivedata[i] != 0) {
                break;
            }
        }
        if (i < 0) {
            i = 0;
        }
        for (int j = 0; j <= i; j++) {
            f.append(lp.drivedata[j]).append(' ');
        }
        f.append("\n\n");
    }

    /** {@code showpartitions()}: the count line, the column header and each non-empty entry. */
    public static void showpartitions(StringBuilder f, Disklabel lp) {
        f.append(lp.npartitions).append(" partitions:\n");
        f.append("#        size    offset     fstype [fsize bsize cpg/sgs]\n");
        int n = Math.min(lp.npartitions, Disklabel.MAXPARTITIONS);
        for (int i = 0; i < n; i++) {
            showpartition(f, lp, i);
        }
    }

    /** {@code showpartition()} for entry {@code i}; nothing for an empty entry. */
    public static void showpartition(StringBuilder f, Disklabel lp, int i) {
        DisklabelPartition pp = lp.partitions[i];
        if (pp.size() == 0) {
            return;
        }
        f.append(' ').append(Disklabel.letter(i)).append(": ")
                .append(pad(Long.toString(pp.size()), 9)).append(' ')
                .append(pad(Long.toString(pp.offset()), 9)).append(' ');
        String fsname = FsType.name(pp.fstype());
        if (fsname != null) {
            f.append(pad(fsname.length() > 10 ? fsname.substring(0, 10) : fsname, 10));
        } else {
            f.append(pad(Integer.toString(pp.fstype()), 10));
        }
        long bsize = pp.fsize() * pp.frag();
        switch (pp.fstype()) {
            case FsType.UNUSED -> f.append("  ").append(pad(Long.toString(pp.fsize()), 5))
                    .append(' ').append(pad(Long.toString(bsize), 5)).append(' ')
                    .append("     ").append(' ');
            case FsType.BSDFFS, FsType.ADOS, FsType.APPLEUFS, FsType.BSDLFS ->
                    f.append("  ").append(pad(Long.toString(pp.fsize()), 5)).append(' ')
                            .append(pad(Long.toString(bsize), 5)).append(' ')
                            .append(pad(Integer.toString(pp.cpg()), 5)).append(' ');
            case FsType.EX2FS -> f.append("  ").append(pad(Long.toString(pp.fsize()), 5))
                    .append(' ').append(pad(Long.toString(bsize), 5)).append("       ");
            case FsType.ISO9660 -> f.append("  ").append(pad(Long.toString(pp.cdsession()), 6))
                    .append("            ");
            default -> f.append(" ".repeat(20));
        }
        long spc = lp.secpercyl;
        if (spc != 0) {
            long off = pp.offset();
            long end = (off + pp.size()) & 0xFFFF_FFFFL;
            f.append(" # (Cyl. ").append(pad(Long.toString(off / spc), 6));
            if (off > lp.secperunit) {
                f.append('+');
            } else if (off % spc != 0) {
                f.append('*');
            } else {
                f.append(' ');
            }
            long last = ((((off + pp.size() + spc - 1) & 0xFFFF_FFFFL) / spc) - 1) & 0xFFFF_FFFFL;
            f.append("- ").append(pad(Long.toString(last), 6));
            if (end > lp.secperunit) {
                f.append('+');
            } else if (end % spc != 0) {
                f.append('*');
            }
            f.append(")\n");
        } else {
            f.append('\n');
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
