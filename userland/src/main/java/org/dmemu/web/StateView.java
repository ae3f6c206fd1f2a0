package org.dmemu.web;

import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_CMD_DATA;
import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_FLAGS;
import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_MINOR;
import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_NAME;
import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_OPEN;
import static org.dmemu.dev.dm.NetbsdDm.DM_IOCTL_UUID;
import static org.dmemu.dev.dm.NetbsdDm.DM_QUERY_INACTIVE_TABLE_FLAG;
import static org.dmemu.dev.dm.NetbsdDm.DM_STATUS_TABLE_FLAG;
import static org.dmemu.dev.dm.NetbsdDm.DM_TABLE_LENGTH;
import static org.dmemu.dev.dm.NetbsdDm.DM_TABLE_PARAMS;
import static org.dmemu.dev.dm.NetbsdDm.DM_TABLE_START;
import static org.dmemu.dev.dm.NetbsdDm.DM_TABLE_TYPE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.disk.DiskPartition;
import org.dmemu.disklabel.Mbr;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.libdm.LibdmTask;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropObject;
import org.dmemu.sys.Dev;

/**
 * The kernel's state as the web view draws it, as JSON: every emulated disk (MBR, label sector,
 * label partitions) and every dm device (minor, flags, open count, active and inactive tables,
 * and where each table entry lands on the disks).
 *
 * <p>Devices are read the way a client reads them — {@code names}, then {@code status} and
 * {@code table} (with and without {@code DM_QUERY_INACTIVE_TABLE_FLAG}) through
 * {@code NETBSD_DM_IOCTL} — so the page shows what {@code dmctl table} shows, with the kernel's
 * own locking, and each reply's XML is kept for the page to display. These requests are run
 * {@linkplain TraceTap#quietly quietly}: they do not appear in the page's trace.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
final class StateView {
    private static final long NETBSD_DM_IOCTL = 0xC010FD00L;
    private static final String CONTROL = "/dev/mapper/control";

    private final Kernel kernel;

    StateView(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The whole state as one JSON document. */
    String json() {
        Json j = new Json().beginObject();
        j.key("disks").beginArray();
        for (Disk d : kernel.disks()) {
            disk(j, d);
        }
        j.endArray();
        j.key("devices").beginArray();
        for (String name : names()) {
            device(j, name);
        }
        j.endArray();
        return j.endObject().toString();
    }

    private void disk(Json j, Disk d) {
        j.beginObject()
                .field("name", d.name())
                .field("secsize", d.secsize())
                .field("sectors", d.numsec())
                .field("labelSector", d.labelSector());
        j.key("mbr").beginArray();
        byte[] s0 = new byte[512];
        if (d.secsize() == 512 && d.readRaw(0, s0, 0, 512)) {
            Mbr mbr = Mbr.parse(s0, 0);
            if (mbr.hasSignature()) {
                int slot = 0;
                for (Mbr.Partition p : mbr.partitions()) {
                    if (p.type() != Mbr.PTYPE_UNUSED) {
                        j.beginObject().field("slot", slot).field("type", p.type())
                                .field("start", p.start()).field("size", p.size()).endObject();
                    }
                    slot++;
                }
            }
        }
        j.endArray();
        j.key("partitions").beginArray();
        DiskPartition[] parts = d.partitions();
        for (int i = 0; i < parts.length; i++) {
            DiskPartition p = parts[i];
            if (p.size() > 0) {
                j.beginObject().field("letter", String.valueOf((char) ('a' + i)))
                        .field("offset", p.offset()).field("size", p.size())
                        .field("fstype", p.fstype()).endObject();
            }
        }
        j.endArray().endObject();
    }

    private void device(Json j, String name) {
        Reply status = request(name, "status", 0);
        Reply active = request(name, "table", DM_STATUS_TABLE_FLAG);
        Reply inactive = request(name, "table", DM_STATUS_TABLE_FLAG | DM_QUERY_INACTIVE_TABLE_FLAG);
        if (status.dict == null) {
            return; // removed between names and status
        }
        PropDictionary s = status.dict;
        j.beginObject()
                .field("name", name)
                .field("uuid", s.getString(DM_IOCTL_UUID))
                .field("minor", s.getUint32(DM_IOCTL_MINOR).orElse(0))
                .field("flags", s.getUint32(DM_IOCTL_FLAGS).orElse(0))
                .field("openCount", s.getInt32(DM_IOCTL_OPEN).orElse(0));
        j.key("statusXml").value(status.xml);
        table(j, "active", active);
        table(j, "inactive", inactive);
        j.endObject();
    }

    private void table(Json j, String slot, Reply r) {
        j.key(slot).beginObject();
        j.field("xml", r.xml);
        j.key("entries").beginArray();
        PropArray entries = r.dict == null ? null : r.dict.getArray(DM_IOCTL_CMD_DATA);
        if (entries != null) {
            for (PropObject o : entries) {
                if (o instanceof PropDictionary e) {
                    entry(j, e);
                }
            }
        }
        j.endArray().endObject();
    }

    private void entry(Json j, PropDictionary e) {
        long start = e.getUint64(DM_TABLE_START).orElse(0);
        long length = e.getUint64(DM_TABLE_LENGTH).orElse(0);
        String type = e.getString(DM_TABLE_TYPE);
        String params = e.getString(DM_TABLE_PARAMS);
        j.beginObject().field("start", start).field("length", length)
                .field("type", type).field("params", params == null ? "" : params);
        j.key("components").beginArray();
        for (Component c : components(type, params, length)) {
            component(j, c);
        }
        j.endArray().endObject();
    }

    /** Where one table entry's sectors land: a component device and a range on it. */
    record Component(String dev, long offset, long length) {
    }

    /**
     * The component ranges of an entry, from its params as the {@code table} command reports
     * them: every component token — a {@code /dev/...} path, or a {@code MAJOR:MINOR} device
     * number as NetBSD's linear and striped targets print their pdevs — followed by a sector
     * offset. A striped entry's range on
     * each stripe is its share of the length rounded up to whole chunks (params
     * {@code STRIPES CHUNK DEV OFF...}); any other target's range is the entry length.
     */
    static List<Component> components(String type, String params, long length) {
        List<Component> out = new ArrayList<>();
        if (params == null || params.isBlank()) {
            return out;
        }
        String[] t = params.trim().split("\\s+");
        long per = length;
        if ("striped".equals(type) && t.length >= 2) {
            long n = parse(t[0]);
            long chunk = parse(t[1]);
            if (n > 0) {
                per = (length + n - 1) / n;
                if (chunk > 0) {
                    per = (per + chunk - 1) / chunk * chunk;
                }
            }
        }
        for (int i = 0; i + 1 < t.length; i++) {
            if (t[i].startsWith("/dev/") || t[i].matches("[0-9]+:[0-9]+")) {
                long off = parse(t[i + 1]);
                if (off >= 0) {
                    out.add(new Component(t[i], off, per));
                }
            }
        }
        return out;
    }

    private void component(Json j, Component c) {
        j.beginObject().field("dev", c.dev()).field("offset", c.offset()).field("length", c.length());
        Disk d = null;
        int part = -1;
        for (Disk k : kernel.disks()) {
            for (int p = 0; p < Disk.MAXPARTITIONS; p++) {
                long dev = k.dev(p, false);
                String node = "/dev/" + k.name() + (char) ('a' + p);
                if (c.dev().equals(node) || c.dev().equals(Dev.major(dev) + ":" + Dev.minor(dev))) {
                    d = k;
                    part = p;
                }
            }
        }
        if (d != null) {
            j.field("node", "/dev/" + d.name() + (char) ('a' + part));
            long base = part == Disk.RAW_PART ? 0 : d.partitionOffset(part);
            long first = base + c.offset();
            long last = first + c.length() - 1;
            long ls = d.labelSector();
            j.field("disk", d.name()).field("diskStart", first).field("diskEnd", last)
                    .field("coversLabel", ls >= 0 && first <= ls && ls <= last);
        }
        j.endObject();
    }

    private List<String> names() {
        Reply r = request(null, "names", 0);
        List<String> out = new ArrayList<>();
        PropArray a = r.dict == null ? null : r.dict.getArray(DM_IOCTL_CMD_DATA);
        if (a != null) {
            for (PropObject o : a) {
                if (o instanceof PropDictionary d && d.getString(DM_IOCTL_NAME) != null) {
                    out.add(d.getString(DM_IOCTL_NAME));
                }
            }
        }
        return out;
    }

    /** A reply: its dictionary (null on failure) and its XML as copied out. */
    private record Reply(PropDictionary dict, String xml) {
    }

    private Reply request(String name, String command, int flags) {
        LibdmTask task = LibdmTask.create(command);
        if (name != null) {
            task.setName(name);
        }
        if (flags != 0) {
            task.setFlags(flags);
        }
        byte[] req = PropKern.externalizeRequest(task.dictionary());
        IoctlResult r = kernel.ioctl(CONTROL, NETBSD_DM_IOCTL, req, req.length);
        if (r.errno() != 0 || r.out().length == 0) {
            return new Reply(null, null);
        }
        byte[] out = r.out();
        int len = out.length;
        while (len > 0 && out[len - 1] == 0) {
            len--;
        }
        try {
            return new Reply(PropKern.internalizeReply(out, out.length),
                    new String(out, 0, len, StandardCharsets.UTF_8));
        } catch (PropKern.PropKernException e) {
            return new Reply(null, new String(out, 0, len, StandardCharsets.UTF_8));
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
