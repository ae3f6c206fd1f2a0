package org.dmemu.lvm;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.dmemu.libdevmapper.DmTask;

/**
 * {@code lvdisplay [-m]}: the long description of an LV and, with {@code --maps}, of its
 * segments, in LVM2 2.03's layout (lib/display/display.c {@code lvdisplay_full},
 * {@code lvdisplay_segments}, lib/striped/striped.c {@code _striped_display},
 * {@code display_size} with long units).
 *
 * <p>With the kernel reachable the state lines are added as LVM2 adds them when it can ask
 * the driver: {@code LV Status}, {@code # open}, {@code - currently set to} (the read-ahead
 * NetBSD's libdevmapper reports: 0) and {@code Block device}.
 *
 * <p>Differences from LVM2: no snapshot, cache, thin or VDO sections; the creation time is
 * printed in the given zone (LVM2 uses the process's local time zone).
 */
final class LvDisplay {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);

    private final PrintStream out;
    private final ZoneId zone;

    LvDisplay(PrintStream out, ZoneId zone) {
        this.out = out;
        this.zone = zone;
    }

    private void line(String label, String value) {
        out.print(String.format(Locale.ROOT, "  %-22s %s%n", label, value).replace(System.lineSeparator(), "\n"));
    }

    /** Prints one LV; {@code info} is null when the driver is not asked. */
    void display(LvmScan.VolumeGroup vg, VgMetadata.Lv lv, boolean maps, DmTask.Info info) {
        VgMetadata m = vg.meta();
        out.print("  --- Logical volume ---\n");
        line("LV Path", "/dev/" + m.name() + "/" + lv.name());
        line("LV Name", lv.name());
        line("VG Name", m.name());
        line("LV UUID", PvLabel.formatUuid(lv.uuid()));
        line("LV Write Access", lv.writable() ? "read/write" : "read only");
        if (lv.creationHost() != null && lv.creationTime() >= 0) {
            line("LV Creation host, time", lv.creationHost() + ", "
                    + TIME.format(Instant.ofEpochSecond(lv.creationTime()).atZone(zone)));
        }
        boolean active = info != null && info.exists();
        if (info != null) {
            line("LV Status", active ? (info.suspended() ? "suspended" : "available") : "NOT available");
        }
        if (active) {
            line("# open", String.valueOf(info.openCount()));
        }
        line("LV Size", size(lv.extents() * m.extentSize()));
        line("Current LE", String.valueOf(lv.extents()));
        line("Segments", String.valueOf(lv.segments().size()));
        line("Allocation", "inherit");
        line("Read ahead sectors", "auto");
        if (active) {
            line("- currently set to", "0");
            line("Block device", info.major() + ":" + info.minor());
        }
        out.print("   \n");
        if (!maps) {
            return;
        }
        out.print("  --- Segments ---\n");
        for (VgMetadata.Segment s : lv.segments()) {
            out.print("  Logical extents " + s.startExtent() + " to " + (s.startExtent() + s.extentCount() - 1)
                    + ":\n");
            boolean striped = s.areas().size() > 1;
            out.print("    Type\t\t" + (!s.supported() ? s.type() : striped ? "striped" : "linear") + "\n");
            if (striped) {
                out.print("    Stripes\t\t" + s.areas().size() + "\n");
                out.print("    Stripe size\t\t" + size(s.stripeSize()) + "\n");
            }
            for (int i = 0; i < s.areas().size(); i++) {
                VgMetadata.Area a = s.areas().get(i);
                PvDevice d = vg.device(a.pvKey());
                String indent = striped ? "      " : "    ";
                if (striped) {
                    out.print("    Stripe " + i + ":\n");
                }
                out.print(indent + "Physical volume\t" + (d != null ? d.name() : "[unknown]") + "\n");
                out.print(indent + "Physical extents\t" + a.pe() + " to " + (a.pe() + s.areaLen() - 1) + "\n");
            }
            out.print("   \n");
        }
        out.print("   \n");
    }

    /** {@code display_size} with long binary units, two decimals ("16.00 MiB"). */
    static String size(long sectors) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        if (sectors == 0) {
            return "0   ";
        }
        double v = sectors / 2.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (Double.parseDouble(s) > v + 1e-12) {
            return "<" + String.format(Locale.ROOT, "%.2f", Math.floor(v * 100) / 100) + " " + units[u];
        }
        return s + " " + units[u];
    }
}
