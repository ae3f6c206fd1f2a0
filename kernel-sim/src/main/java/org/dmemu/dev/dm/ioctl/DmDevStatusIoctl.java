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
 * Emulates {@code dm_dev_status_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>{@code info} and {@code mknodes}. Reply: {@code open_count} (the table reader count
 * io_cnt), {@code minor}, {@code uuid}; flags: SUSPEND added if suspended (never removed),
 * ACTIVE_PRESENT / INACTIVE_PRESENT from the entry counts, {@code target_count} = active
 * entries. ENOENT (EXISTS cleared) if no such device.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmDevStatusIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        long flags = q.flags();
        d.setUint32(DM_IOCTL_OPEN, dev.tableHead().readerCount());
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        d.set(DM_IOCTL_UUID, pstr(dev.uuid()));
        if ((dev.flags() & DM_SUSPEND_FLAG) != 0) {
            flags = addFlag(d, flags, DM_SUSPEND_FLAG);
        }
        int j = dev.tableHead().count(false);
        flags = j > 0 ? addFlag(d, flags, DM_ACTIVE_PRESENT_FLAG) : removeFlag(d, flags, DM_ACTIVE_PRESENT_FLAG);
        d.setUint32(DM_IOCTL_TARGET_COUNT, j);
        if (dev.tableHead().count(true) > 0) {
            addFlag(d, flags, DM_INACTIVE_PRESENT_FLAG);
        } else {
            removeFlag(d, flags, DM_INACTIVE_PRESENT_FLAG);
        }
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_dev_status_ioctl");
}
