package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.NetbsdDm.*;
import static org.dmemu.dev.dm.ioctl.DmIoctlUtil.*;

import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates {@code dm_table_load_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>{@code reload}. If the device flag INACTIVE_PRESENT is set the inactive table is destroyed
 * first (leftovers of a failed load without that flag are kept, behind the new entries). Reply
 * {@code minor}. Per {@code cmd_data} element: the target by exact {@code type} (none →
 * ENOENT, entries added so far stay), {@code start}/{@code length} (u64, not validated),
 * {@code params} split on spaces and tabs (at most 20 tokens, the rest ignored; no params →
 * EINVAL), target init (EINVAL/ENOENT → the whole inactive table is destroyed). Success: reply
 * and device flags |= INACTIVE_PRESENT.
 *
 * <p>Differences from NetBSD: missing {@code type}/{@code start}/{@code length} (uninitialised in
 * C) → ENOENT / 0 / 0; a non-dictionary element has no {@code type} → ENOENT.
 */
public final class DmTableLoadIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        var head = dev.tableHead();
        if ((dev.flags() & DM_INACTIVE_PRESENT_FLAG) != 0) {
            head.destroyInactive(dm.pdevs());
            dm.trace(3, DESTROY_PREVIOUS);
        }
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        PropArray cmd = d.getArray(DM_IOCTL_CMD_DATA);
        var entries = head.inactive().entries();
        int at = 0;
        if (cmd != null) {
            for (int i = 0; i < cmd.count(); i++) {
                PropDictionary el = cmd.get(i) instanceof PropDictionary x ? x : new PropDictionary();
                String type = cstr(el, DM_TABLE_TYPE);
                var target = dm.targets().lookup(type);
                if (target == null) {
                    dm.trace(3, TARGET_LOOKUP, type, Errno.ENOENT);
                    return Errno.ENOENT;
                }
                long start = el.getUint64(DM_TABLE_START).orElse(0);
                long length = el.getUint64(DM_TABLE_LENGTH).orElse(0);
                String params = cstr(el, DM_TABLE_PARAMS);
                DmTableEntry en = new DmTableEntry(start, length, target, params);
                entries.add(at++, en);
                if (params == null) {
                    dm.trace(3, NO_PARAMS, i, Errno.EINVAL);
                    head.destroyInactive(dm.pdevs());
                    return Errno.EINVAL;
                }
                int max = target.maxArgc() == 0 ? DM_MAX_ARGC : target.maxArgc();
                String[] argv = tokens(params, max);
                try {
                    target.init(dm.pdevs(), en, argv);
                } catch (org.dmemu.sys.DmException e) {
                    dm.trace(3, INIT_FAILED, type, e.getMessage(), e.errno());
                    head.destroyInactive(dm.pdevs());
                    return e.errno();
                }
                String labelArea = org.dmemu.dev.dm.DmLabelAreaCheck.check(en, i);
                if (labelArea != null) {
                    dm.trace(3, LABEL_AREA, labelArea);
                    dm.log(labelArea);
                    if (dm.strictOffsets()) {
                        dm.trace(3, STRICT_OFFSETS, Errno.EINVAL);
                        head.destroyInactive(dm.pdevs());
                        return Errno.EINVAL;
                    }
                }
                if (dm.tracing()) {
                    dm.trace(3, INIT, start, length, type, target.redactParams(params),
                            en.pdevMaps().stream().map(p -> p.name() + " (" + p.udevName() + ")").toList());
                }
            }
        }
        addFlag(d, q.flags(), DM_INACTIVE_PRESENT_FLAG);
        dev.setFlags(dev.flags() | DM_INACTIVE_PRESENT_FLAG);
        return Errno.NONE;
    }

    /** Splits on spaces and tabs, dropping empty tokens, keeping at most {@code max}. */
    static String[] tokens(String params, int max) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int i = 0;
        int n = params.length();
        while (i < n && out.size() < max) {
            while (i < n && (params.charAt(i) == ' ' || params.charAt(i) == '\t')) {
                i++;
            }
            int s = i;
            while (i < n && params.charAt(i) != ' ' && params.charAt(i) != '\t') {
                i++;
            }
            if (i > s) {
                out.add(params.substring(s, i));
            }
        }
        return out.toArray(new String[0]);
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_table_load_ioctl");
    private static final TracePoint DESTROY_PREVIOUS = TracePoint.of("dm_table_destroy",
            "dm_table_destroy: previous inactive table destroyed");
    private static final TracePoint TARGET_LOOKUP = TracePoint.of("dm_target_lookup",
            "dm_target_lookup: {type:q} not found, autoload dm_target_{type} failed -> {error}");
    private static final TracePoint NO_PARAMS = TracePoint.of("dm_table_load_ioctl", "entry {entry}: no params -> {error}");
    private static final TracePoint INIT_FAILED = TracePoint.of("dm_table_init",
            "dm_table_init: {type} init: {reason} -> {error}");
    /** dmemu's own warning (the dm(4) label-sector rule), as {@link org.dmemu.dev.dm.DmLabelAreaCheck} words it. */
    private static final TracePoint LABEL_AREA = TracePoint.of("dm_label_area_check", "{warning}");
    private static final TracePoint STRICT_OFFSETS = TracePoint.of("dm_label_area_check",
            "strict offsets: table refused -> {error}");
    private static final TracePoint INIT = TracePoint.of("dm_table_init",
            "dm_table_init: {start:u} {length:u} {type} {params:q}{pdevs? -> dm_pdev_insert {pdevs}}");
}
