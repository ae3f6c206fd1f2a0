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
        dm.trace(2, "dm_table_load_ioctl: " + q.describe());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, "dm_dev_lookup: not found -> ENOENT");
            return lookupFailed(d, q.flags());
        }
        var head = dev.tableHead();
        if ((dev.flags() & DM_INACTIVE_PRESENT_FLAG) != 0) {
            head.destroyInactive(dm.pdevs());
            dm.trace(3, "dm_table_destroy: previous inactive table destroyed");
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
                    dm.trace(3, "dm_target_lookup: \"" + type + "\" not found, autoload dm_target_" + type
                            + " failed -> ENOENT");
                    return Errno.ENOENT;
                }
                long start = el.getUint64(DM_TABLE_START).orElse(0);
                long length = el.getUint64(DM_TABLE_LENGTH).orElse(0);
                String params = cstr(el, DM_TABLE_PARAMS);
                DmTableEntry en = new DmTableEntry(start, length, target, params);
                entries.add(at++, en);
                if (params == null) {
                    dm.trace(3, "entry " + i + ": no params -> EINVAL");
                    head.destroyInactive(dm.pdevs());
                    return Errno.EINVAL;
                }
                int max = target.maxArgc() == 0 ? DM_MAX_ARGC : target.maxArgc();
                String[] argv = tokens(params, max);
                try {
                    target.init(dm.pdevs(), en, argv);
                } catch (org.dmemu.sys.DmException e) {
                    dm.trace(3, "dm_table_init: " + type + " init: " + e.getMessage() + " -> " + e.errno().name());
                    head.destroyInactive(dm.pdevs());
                    return e.errno();
                }
                String labelArea = org.dmemu.dev.dm.DmLabelAreaCheck.check(en, i);
                if (labelArea != null) {
                    dm.trace(3, labelArea);
                    dm.log(labelArea);
                    if (dm.strictOffsets()) {
                        dm.trace(3, "strict offsets: table refused -> EINVAL");
                        head.destroyInactive(dm.pdevs());
                        return Errno.EINVAL;
                    }
                }
                dm.trace(3, "dm_table_init: " + Long.toUnsignedString(start) + " " + Long.toUnsignedString(length) + " "
                        + type + " \"" + target.redactParams(params) + "\"" + (en.pdevMaps().isEmpty() ? "" : " -> dm_pdev_insert "
                        + en.pdevMaps().stream().map(p -> p.name() + " (" + p.udevName() + ")").toList()));
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
}
