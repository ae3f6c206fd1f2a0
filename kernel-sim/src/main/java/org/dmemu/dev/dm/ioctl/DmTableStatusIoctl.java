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
 * Emulates {@code dm_table_status_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>{@code status} and {@code table} (libdm sets STATUS_TABLE for {@code table}). Flags: active
 * entries → |= ACTIVE_PRESENT (INACTIVE_PRESENT left as sent), else &= ~ACTIVE_PRESENT and
 * INACTIVE_PRESENT from the inactive count; SUSPEND added if suspended. Reply {@code minor},
 * and {@code cmd_data} = per entry of the chosen table (inactive with QUERY_INACTIVE_TABLE)
 * {@code {start u64, length u64, type, status i32 = active slot index, params}}, params from
 * the target's table hook (STATUS_TABLE) or info hook, "" without one.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmTableStatusIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        PropArray list = new PropArray();
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        long flags = q.flags();
        boolean inactive = (flags & DM_QUERY_INACTIVE_TABLE_FLAG) != 0;
        var head = dev.tableHead();
        if (head.count(false) > 0) {
            flags = addFlag(d, flags, DM_ACTIVE_PRESENT_FLAG);
        } else {
            flags = removeFlag(d, flags, DM_ACTIVE_PRESENT_FLAG);
            flags = head.count(true) > 0 ? addFlag(d, flags, DM_INACTIVE_PRESENT_FLAG)
                    : removeFlag(d, flags, DM_INACTIVE_PRESENT_FLAG);
        }
        if ((dev.flags() & DM_SUSPEND_FLAG) != 0) {
            flags = addFlag(d, flags, DM_SUSPEND_FLAG);
        }
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        boolean tableHook = (flags & DM_STATUS_TABLE_FLAG) != 0;
        for (DmTableEntry en : (inactive ? head.inactive() : head.active()).entries()) {
            PropDictionary e = new PropDictionary();
            e.setUint64(DM_TABLE_START, en.start);
            e.setUint64(DM_TABLE_LENGTH, en.length);
            e.setString(DM_TABLE_TYPE, en.target.name());
            e.setInt32(DM_TABLE_STAT, head.curActive());
            String p = en.config() == null ? null : (tableHook ? en.target.table(en) : en.target.info(en));
            e.set(DM_TABLE_PARAMS, pstr(p == null ? "" : p));
            list.add(e);
        }
        d.setUint32(DM_IOCTL_FLAGS, flags);
        d.set(DM_IOCTL_CMD_DATA, list);
        dm.trace(3, STATUS, inactive, list.count(), tableHook);
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_table_status_ioctl");
    private static final TracePoint STATUS = TracePoint.of("dm_table_status_ioctl",
            "{inactive?inactive|active} table: {entries} entries, {table_hook?table|info} hook");
}
