package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.List;

/**
 * A volume group as its text metadata describes it, imported as lib/format_text/import_vsn1.c
 * does ({@code _read_vg}, {@code _read_pv}, {@code _read_lv}, {@code _read_segment};
 * lib/striped/striped.c {@code _striped_text_import}) and checked as {@code vg_validate}
 * checks the parts activation relies on.
 *
 * <p>Differences from LVM2: only the segment types {@code striped} (which includes linear: a
 * striped segment of one stripe) and {@code linear} are understood; an LV with another
 * segment type is listed with that type but cannot be activated. Tags, the
 * {@code historical_logical_volumes} section and per-LV allocation policies are ignored.
 *
 * @param name       the VG name (the section name)
 * @param uuid       the VG uuid, 32 characters without dashes
 * @param seqno      the metadata sequence number
 * @param status     the VG {@code status} flags (RESIZEABLE, READ, WRITE …)
 * @param extentSize the extent size in 512-byte sectors
 * @param pvs        the PVs in metadata order
 * @param lvs        the LVs in metadata order
 */
public record VgMetadata(String name, String uuid, long seqno, List<String> status, long extentSize,
                         List<Pv> pvs, List<Lv> lvs) {

    /** A {@code physical_volumes} entry ({@code pv0 { … }}). */
    public record Pv(String key, String uuid, String deviceHint, long devSize, long peStart, long peCount,
                     List<String> status) {
    }

    /** One stripe of a segment: a PV (by its metadata key) and its first physical extent. */
    public record Area(String pvKey, long pe) {
    }

    /**
     * A segment ({@code segmentN { … }}): logical extents {@code [startExtent,
     * startExtent + extentCount)}, spread over {@code areas} in chunks of {@code stripeSize}
     * sectors (0 for one area).
     */
    public record Segment(long startExtent, long extentCount, String type, long stripeSize, List<Area> areas) {
        /** Extents each area holds. */
        public long areaLen() {
            return areas.isEmpty() ? 0 : extentCount / areas.size();
        }

        /** Whether activation knows this type. */
        public boolean supported() {
            return type.equals("striped") || type.equals("linear");
        }
    }

    /**
     * A {@code logical_volumes} entry; {@code creationHost} is null and {@code creationTime}
     * -1 when the metadata has none.
     */
    public record Lv(String name, String uuid, List<String> status, List<Segment> segments, String creationHost,
                     long creationTime) {
        public boolean visible() {
            return status.contains("VISIBLE");
        }

        public boolean writable() {
            return status.contains("WRITE");
        }

        /** The LV's size in extents. */
        public long extents() {
            long n = 0;
            for (Segment s : segments) {
                n += s.extentCount();
            }
            return n;
        }
    }

    /** The PV with metadata key {@code key}, or null. */
    public Pv pv(String key) {
        for (Pv p : pvs) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }

    /** The LV named {@code name}, or null. */
    public Lv lv(String name) {
        for (Lv l : lvs) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    public boolean writable() {
        return status.contains("WRITE");
    }

    /**
     * Imports the metadata text read from {@code device}.
     *
     * @throws LvmFormatException naming the device, the VG and what is wrong
     */
    public static VgMetadata parse(String device, String text) throws LvmFormatException {
        LvmConfig.Section top;
        try {
            top = LvmConfig.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LvmFormatException(device + ": metadata text: " + e.getMessage());
        }
        Object contents = top.value("contents");
        if (!"Text Format Volume Group".equals(contents)) {
            throw new LvmFormatException(device + ": metadata text: contents is not \"Text Format Volume Group\"");
        }
        if (!Long.valueOf(1).equals(top.value("version"))) {
            throw new LvmFormatException(device + ": metadata text: version is not 1");
        }
        if (top.sections.size() != 1) {
            throw new LvmFormatException(device + ": metadata text: " + top.sections.size()
                    + " top-level sections (expected one VG)");
        }
        LvmConfig.Section vg = top.sections.values().iterator().next();
        return new Importer(device + ": VG " + vg.name + " metadata: ").vg(vg);
    }

    /** The import with the message prefix naming device and VG. */
    private static final class Importer {
        private final String where;

        Importer(String where) {
            this.where = where;
        }

        VgMetadata vg(LvmConfig.Section s) throws LvmFormatException {
            String uuid = uuid(s, "id", "VG");
            long seqno = number(s, "seqno", "VG");
            long extentSize = number(s, "extent_size", "VG");
            if (extentSize <= 0) {
                throw new LvmFormatException(where + "extent_size " + extentSize);
            }
            List<String> status = strings(s, "status", "VG");
            LvmConfig.Section pvSec = s.section("physical_volumes");
            if (pvSec == null) {
                throw new LvmFormatException(where + "no physical_volumes section");
            }
            List<Pv> pvs = new ArrayList<>();
            for (LvmConfig.Section p : pvSec.sections.values()) {
                pvs.add(pv(p));
            }
            List<Lv> lvs = new ArrayList<>();
            LvmConfig.Section lvSec = s.section("logical_volumes");
            VgMetadata partial = new VgMetadata(s.name, uuid, seqno, status, extentSize, pvs, lvs);
            if (lvSec != null) {
                for (LvmConfig.Section l : lvSec.sections.values()) {
                    lvs.add(lv(l, partial));
                }
            }
            return new VgMetadata(s.name, uuid, seqno, List.copyOf(status), extentSize, List.copyOf(pvs),
                    List.copyOf(lvs));
        }

        Pv pv(LvmConfig.Section s) throws LvmFormatException {
            String what = "PV " + s.name;
            Object dev = s.value("device");
            long peStart = number(s, "pe_start", what);
            long peCount = number(s, "pe_count", what);
            Object ds = s.value("dev_size");
            if (peStart < 0 || peCount < 0) {
                throw new LvmFormatException(where + what + ": negative pe_start or pe_count");
            }
            return new Pv(s.name, uuid(s, "id", what), dev instanceof String d ? d : "",
                    ds instanceof Long l ? l : 0, peStart, peCount, strings(s, "status", what));
        }

        Lv lv(LvmConfig.Section s, VgMetadata vg) throws LvmFormatException {
            String what = "LV " + s.name;
            String uuid = uuid(s, "id", what);
            List<String> status = strings(s, "status", what);
            long count = number(s, "segment_count", what);
            List<Segment> segs = new ArrayList<>();
            long le = 0;
            for (int i = 1; i <= count; i++) {
                LvmConfig.Section seg = s.section("segment" + i);
                if (seg == null) {
                    throw new LvmFormatException(where + what + ": segment" + i + " missing (segment_count "
                            + count + ")");
                }
                Segment g = segment(seg, what + " segment" + i, vg);
                if (g.startExtent() != le) {
                    throw new LvmFormatException(where + what + " segment" + i + ": start_extent "
                            + g.startExtent() + ", expected " + le);
                }
                le += g.extentCount();
                segs.add(g);
            }
            Object host = s.value("creation_host");
            Object time = s.value("creation_time");
            return new Lv(s.name, uuid, List.copyOf(status), List.copyOf(segs), host instanceof String h ? h : null,
                    time instanceof Long t ? t : -1);
        }

        Segment segment(LvmConfig.Section s, String what, VgMetadata vg) throws LvmFormatException {
            long start = number(s, "start_extent", what);
            long count = number(s, "extent_count", what);
            if (count <= 0) {
                throw new LvmFormatException(where + what + ": extent_count " + count);
            }
            Object t = s.value("type");
            if (!(t instanceof String type)) {
                throw new LvmFormatException(where + what + ": no type");
            }
            if (!type.equals("striped") && !type.equals("linear")) {
                return new Segment(start, count, type, 0, List.of());
            }
            long stripes = type.equals("linear") ? 1 : number(s, "stripe_count", what);
            long stripeSize = 0;
            if (stripes < 1) {
                throw new LvmFormatException(where + what + ": stripe_count " + stripes);
            }
            if (stripes > 1) {
                stripeSize = number(s, "stripe_size", what);
                if (stripeSize <= 0 || Long.bitCount(stripeSize) != 1) {
                    throw new LvmFormatException(where + what + ": stripe_size " + stripeSize
                            + " is not a power of two");
                }
                if (count % stripes != 0) {
                    throw new LvmFormatException(where + what + ": extent_count " + count
                            + " is not a multiple of stripe_count " + stripes);
                }
            }
            Object a = s.value("stripes");
            if (!(a instanceof List<?> list) || list.size() != 2 * stripes) {
                throw new LvmFormatException(where + what + ": stripes must list " + stripes + " PV, extent pairs");
            }
            List<Area> areas = new ArrayList<>();
            long len = count / stripes;
            for (int i = 0; i < stripes; i++) {
                if (!(list.get(2 * i) instanceof String pvKey) || !(list.get(2 * i + 1) instanceof Long pe)) {
                    throw new LvmFormatException(where + what + ": stripe " + i + " is not a \"pvN\", extent pair");
                }
                Pv pv = vg.pv(pvKey);
                if (pv == null) {
                    throw new LvmFormatException(where + what + ": stripe " + i + " names unknown PV " + pvKey);
                }
                if (pe < 0 || pe + len > pv.peCount()) {
                    throw new LvmFormatException(where + what + ": extents " + pe + "-" + (pe + len - 1) + " of "
                            + pvKey + " past its pe_count " + pv.peCount());
                }
                areas.add(new Area(pvKey, pe));
            }
            return new Segment(start, count, type, stripeSize, List.copyOf(areas));
        }

        long number(LvmConfig.Section s, String key, String what) throws LvmFormatException {
            Object v = s.value(key);
            if (!(v instanceof Long l)) {
                throw new LvmFormatException(where + what + ": " + key + (v == null ? " missing" : " is not a number"));
            }
            return l;
        }

        String uuid(LvmConfig.Section s, String key, String what) throws LvmFormatException {
            Object v = s.value(key);
            if (!(v instanceof String str)) {
                throw new LvmFormatException(where + what + ": " + key + " missing");
            }
            String u = str.replace("-", "");
            if (u.length() != PvLabel.ID_LEN || !u.chars().allMatch(PvLabel::isUuidChar)) {
                throw new LvmFormatException(where + what + ": " + key + " \"" + str + "\" is not an LVM2 uuid");
            }
            return u;
        }

        List<String> strings(LvmConfig.Section s, String key, String what) throws LvmFormatException {
            Object v = s.value(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> l)) {
                throw new LvmFormatException(where + what + ": " + key + " is not an array");
            }
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof String str)) {
                    throw new LvmFormatException(where + what + ": " + key + " holds a non-string");
                }
                out.add(str);
            }
            return out;
        }
    }

}
