package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.dmemu.libdevmapper.DmTask;

/**
 * The report columns of {@code pvs}, {@code vgs} and {@code lvs} (lib/report/columns.h field
 * names and headings, lib/report/report.c display functions, lib/display/display.c
 * {@code display_size}).
 *
 * <p>Sizes are kept in 512-byte sectors and printed in the {@code --units} unit: {@code s}
 * (sectors), {@code b}, {@code k}, {@code m}, {@code g}, {@code t}, or {@code h} (the largest
 * unit the size reaches, with a leading {@code <} when two decimals round it down, as LVM2
 * 2.03 prints them); {@code --nosuffix} drops the unit letter.
 *
 * <p>Differences from LVM2: the field set is the common one listed in {@link #FIELDS}; the
 * default {@code lvs} columns omit the pool, origin, percent and log columns, which are empty
 * for linear and striped LVs; with headings, columns are padded as LVM2's aligned output
 * pads them but without its per-field width minimums.
 */
public final class LvmReport {
    /** One row's subject: a PV, a VG, an LV or one LV segment. */
    public record Row(LvmScan.PhysicalVolume pv, LvmScan.VolumeGroup vg, VgMetadata.Lv lv, VgMetadata.Segment seg,
                      DmTask.Info info) {
    }

    /** A report field: its heading, whether it is numeric (right-aligned) and its value. */
    private record Field(String heading, boolean numeric, Function<Ctx, String> value) {
    }

    /** The row plus the display options. */
    private record Ctx(Row r, LvmReport rep) {
    }

    static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        f("pv_name", "PV", false, c -> c.r.pv() == null ? "" : c.r.pv().dev().name());
        f("pv_uuid", "PV UUID", false, c -> PvLabel.formatUuid(c.r.pv().label().pvUuid()));
        f("pv_fmt", "Fmt", false, c -> "lvm2");
        f("pv_attr", "Attr", false, c -> c.r.vg() != null ? "a--" : "---");
        f("pe_start", "1st PE", true, c -> c.rep.size(peStart(c.r)));
        f("pv_pe_count", "PE", true, c -> String.valueOf(pvMeta(c.r) == null ? 0 : pvMeta(c.r).peCount()));
        f("pv_pe_alloc_count", "Alloc", true, c -> String.valueOf(allocated(c.r)));
        f("pv_size", "PSize", true, c -> c.rep.size(pvSize(c.r)));
        f("pv_free", "PFree", true, c -> c.rep.size(pvMeta(c.r) == null ? pvSize(c.r)
                : (pvMeta(c.r).peCount() - allocated(c.r)) * c.r.vg().meta().extentSize()));
        f("dev_size", "DevSize", true, c -> c.rep.size(c.r.pv().dev().size() / 512));
        f("vg_name", "VG", false, c -> c.r.vg() == null ? "" : c.r.vg().meta().name());
        f("vg_uuid", "VG UUID", false, c -> c.r.vg() == null ? "" : PvLabel.formatUuid(c.r.vg().meta().uuid()));
        f("vg_attr", "Attr", false, c -> (c.r.vg().meta().writable() ? "w" : "r") + "z--n-");
        f("pv_count", "#PV", true, c -> String.valueOf(c.r.vg().meta().pvs().size()));
        f("lv_count", "#LV", true, c -> String.valueOf(visibleLvs(c.r.vg().meta())));
        f("snap_count", "#SN", true, c -> "0");
        f("vg_extent_size", "Ext", true, c -> c.rep.size(c.r.vg().meta().extentSize()));
        f("vg_extent_count", "#Ext", true, c -> String.valueOf(vgExtents(c.r.vg().meta())));
        f("vg_free_count", "Free", true, c -> String.valueOf(vgExtents(c.r.vg().meta()) - vgUsed(c.r.vg().meta())));
        f("vg_size", "VSize", true, c -> c.rep.size(vgExtents(c.r.vg().meta()) * c.r.vg().meta().extentSize()));
        f("vg_free", "VFree", true, c -> c.rep.size((vgExtents(c.r.vg().meta()) - vgUsed(c.r.vg().meta()))
                * c.r.vg().meta().extentSize()));
        f("vg_seqno", "Seq", true, c -> String.valueOf(c.r.vg().meta().seqno()));
        f("lv_name", "LV", false, c -> c.r.lv().visible() ? c.r.lv().name() : "[" + c.r.lv().name() + "]");
        f("lv_uuid", "LV UUID", false, c -> PvLabel.formatUuid(c.r.lv().uuid()));
        f("lv_attr", "Attr", false, c -> lvAttr(c.r));
        f("lv_active", "Active", false, c -> c.r.info() != null && c.r.info().exists() ? "active" : "");
        f("lv_size", "LSize", true, c -> c.rep.size(c.r.lv().extents() * c.r.vg().meta().extentSize()));
        f("lv_dm_path", "DMPath", false, c -> "/dev/mapper/"
                + DevManager.dmName(c.r.vg().meta().name(), c.r.lv().name(), null));
        f("seg_count", "#Seg", true, c -> String.valueOf(c.r.lv().segments().size()));
        f("segtype", "Type", false, c -> segType(seg(c.r)));
        f("stripes", "#Str", true, c -> String.valueOf(seg(c.r).areas().size()));
        f("stripe_size", "Stripe", true, c -> c.rep.size(seg(c.r).stripeSize()));
        f("seg_start", "Start", true, c -> c.rep.size(seg(c.r).startExtent() * c.r.vg().meta().extentSize()));
        f("seg_start_pe", "Start", true, c -> String.valueOf(seg(c.r).startExtent()));
        f("seg_size", "SSize", true, c -> c.rep.size(seg(c.r).extentCount() * c.r.vg().meta().extentSize()));
        f("seg_size_pe", "SSize", true, c -> String.valueOf(seg(c.r).extentCount()));
        f("seg_pe_ranges", "PE Ranges", false, c -> areas(c.r, true));
        f("devices", "Devices", false, c -> areas(c.r, false));
    }

    private static void f(String name, String heading, boolean numeric, Function<Ctx, String> value) {
        FIELDS.put(name, new Field(heading, numeric, value));
    }

    private final char unit;
    private final boolean suffix;

    public LvmReport(char unit, boolean suffix) {
        this.unit = unit;
        this.suffix = suffix;
    }

    /** Resolves a field name as LVM2 does: the name itself, or with the report's prefix added. */
    public static String resolve(String name, String prefix) {
        String n = name.toLowerCase(Locale.ROOT);
        if (FIELDS.containsKey(n)) {
            return n;
        }
        if (FIELDS.containsKey(prefix + n)) {
            return prefix + n;
        }
        return null;
    }

    /** The report lines: headings (unless {@code headings} is false), then one line per row. */
    public List<String> render(List<String> fields, List<Row> rows, boolean headings, String separator) {
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            String[] c = new String[fields.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = FIELDS.get(fields.get(i)).value().apply(new Ctx(r, this));
            }
            cells.add(c);
        }
        List<String> out = new ArrayList<>();
        if (separator != null) {
            if (headings) {
                out.add("  " + String.join(separator, fields.stream().map(x -> FIELDS.get(x).heading()).toList()));
            }
            for (String[] c : cells) {
                out.add("  " + String.join(separator, c));
            }
            return out;
        }
        int[] width = new int[fields.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headings ? FIELDS.get(fields.get(i)).heading().length() : 0;
            for (String[] c : cells) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        if (headings) {
            String[] h = new String[fields.size()];
            for (int i = 0; i < h.length; i++) {
                h[i] = FIELDS.get(fields.get(i)).heading();
            }
            out.add(line(fields, h, width));
        }
        for (String[] c : cells) {
            out.add(line(fields, c, width));
        }
        return out;
    }

    private static String line(List<String> fields, String[] c, int[] width) {
        StringBuilder s = new StringBuilder("  ");
        for (int i = 0; i < c.length; i++) {
            if (i > 0) {
                s.append(' ');
            }
            String pad = " ".repeat(width[i] - c[i].length());
            if (FIELDS.get(fields.get(i)).numeric()) {
                s.append(pad).append(c[i]);
            } else {
                s.append(c[i]).append(pad);
            }
        }
        return s.toString().stripTrailing();
    }

    /** {@code display_size} of {@code sectors} in this report's unit. */
    String size(long sectors) {
        if (unit == 's') {
            return sectors + (suffix ? "S" : "");
        }
        if (unit == 'b') {
            return sectors * 512 + (suffix ? "B" : "");
        }
        String units = "kmgtpe";
        int u;
        if (unit == 'h') {
            u = 0;
            double v = sectors / 2.0;
            while (v >= 1024 && u < units.length() - 1) {
                v /= 1024;
                u++;
            }
            if (sectors == 0) {
                return "0" + (suffix ? "" : "");
            }
        } else {
            u = units.indexOf(unit);
        }
        double v = sectors / 2.0 / Math.pow(1024, u);
        String s = String.format(Locale.ROOT, "%.2f", v);
        boolean rounded = unit == 'h' && Math.abs(Double.parseDouble(s) - v) > 1e-9 && Double.parseDouble(s) > v;
        return (rounded ? "<" : "") + (rounded ? String.format(Locale.ROOT, "%.2f", Math.floor(v * 100) / 100) : s)
                + (suffix ? String.valueOf(units.charAt(u)) : "");
    }

    private static VgMetadata.Pv pvMeta(Row r) {
        if (r.vg() == null || r.pv() == null) {
            return null;
        }
        for (VgMetadata.Pv p : r.vg().meta().pvs()) {
            if (p.uuid().equals(r.pv().label().pvUuid())) {
                return p;
            }
        }
        return null;
    }

    private static long peStart(Row r) {
        VgMetadata.Pv p = pvMeta(r);
        return p != null ? p.peStart() : r.pv().label().dataStart() / 512;
    }

    private static long pvSize(Row r) {
        VgMetadata.Pv p = pvMeta(r);
        if (p != null) {
            return p.peCount() * r.vg().meta().extentSize();
        }
        return r.pv().label().deviceSize() / 512 - peStart(r);
    }

    private static long allocated(Row r) {
        VgMetadata.Pv p = pvMeta(r);
        if (p == null) {
            return 0;
        }
        long n = 0;
        for (VgMetadata.Lv lv : r.vg().meta().lvs()) {
            for (VgMetadata.Segment s : lv.segments()) {
                for (VgMetadata.Area a : s.areas()) {
                    if (a.pvKey().equals(p.key())) {
                        n += s.areaLen();
                    }
                }
            }
        }
        return n;
    }

    private static long vgExtents(VgMetadata vg) {
        long n = 0;
        for (VgMetadata.Pv p : vg.pvs()) {
            n += p.peCount();
        }
        return n;
    }

    private static long vgUsed(VgMetadata vg) {
        long n = 0;
        for (VgMetadata.Lv lv : vg.lvs()) {
            for (VgMetadata.Segment s : lv.segments()) {
                n += s.areaLen() * s.areas().size();
            }
        }
        return n;
    }

    private static int visibleLvs(VgMetadata vg) {
        int n = 0;
        for (VgMetadata.Lv lv : vg.lvs()) {
            if (lv.visible()) {
                n++;
            }
        }
        return n;
    }

    private static VgMetadata.Segment seg(Row r) {
        return r.seg() != null ? r.seg() : r.lv().segments().get(0);
    }

    private static String segType(VgMetadata.Segment s) {
        if (s.supported()) {
            return s.areas().size() == 1 ? "linear" : "striped";
        }
        return s.type();
    }

    /** {@code seg_pe_ranges} ("dev:first-last" per area) or {@code devices} ("dev(first)" per area). */
    private static String areas(Row r, boolean ranges) {
        List<VgMetadata.Segment> segs = r.seg() != null ? List.of(r.seg()) : r.lv().segments();
        List<String> parts = new ArrayList<>();
        for (VgMetadata.Segment s : segs) {
            for (VgMetadata.Area a : s.areas()) {
                PvDevice d = r.vg().device(a.pvKey());
                String name = d != null ? d.name() : "[unknown]";
                parts.add(ranges ? name + ":" + a.pe() + "-" + (a.pe() + s.areaLen() - 1) : name + "(" + a.pe() + ")");
            }
        }
        return String.join(ranges ? " " : ",", parts);
    }

    /** {@code lv_attr} of LVM2 2.03: type, permissions, allocation, minor, state, open, … */
    private static String lvAttr(Row r) {
        boolean active = r.info() != null && r.info().exists();
        boolean open = active && r.info().openCount() > 0;
        boolean w = r.lv().writable() && r.vg().meta().writable();
        return "-" + (w ? "w" : "r") + "i-" + (active ? (r.info().suspended() ? "s" : "a") : "-")
                + (open ? "o" : "-") + "----";
    }

    /** LVM2's default sort orders. */
    static final Comparator<Row> BY_PV = Comparator.comparing(r -> r.pv().dev().name());
    static final Comparator<Row> BY_VG = Comparator.comparing(r -> r.vg().meta().name());
    static final Comparator<Row> BY_LV = Comparator.<Row, String>comparing(r -> r.vg().meta().name())
            .thenComparing(r -> r.lv().name())
            .thenComparingLong(r -> r.seg() == null ? 0 : r.seg().startExtent());
}
