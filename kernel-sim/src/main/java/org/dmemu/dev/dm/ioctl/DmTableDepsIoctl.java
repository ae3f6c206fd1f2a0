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
 * Emulates {@code dm_table_deps_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Reply: {@code minor}, {@code name}, {@code uuid} of the device, and {@code cmd_data} = the
 * dev_t (u64) of every pdev of the active table (inactive with QUERY_INACTIVE_TABLE), in entry
 * order, duplicates removed. ENOENT (EXISTS cleared, no cmd_data) if no such device.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmTableDepsIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        PropArray deps = new PropArray();
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        d.set(DM_IOCTL_NAME, pstr(dev.name()));
        d.set(DM_IOCTL_UUID, pstr(dev.uuid()));
        boolean inactive = (q.flags() & DM_QUERY_INACTIVE_TABLE_FLAG) != 0;
        var table = inactive ? dev.tableHead().inactive() : dev.tableHead().active();
        for (DmTableEntry en : table.entries()) {
            for (var p : en.pdevMaps()) {
                PropNumber n = PropNumber.unsigned(p.dev());
                if (!deps.items().contains(n)) {
                    deps.add(n);
                }
            }
        }
        d.set(DM_IOCTL_CMD_DATA, deps);
        dm.trace(3, DEPS, inactive, deps.count());
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_table_deps_ioctl");
    private static final TracePoint DEPS = TracePoint.of("dm_table_deps_ioctl",
            "{inactive?inactive|active} table: {devices} devices");
}
