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
 * Emulates {@code dm_table_clear_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Destroys the inactive table and clears the device's INACTIVE_PRESENT flag. Reply
 * unchanged; ENOENT (EXISTS cleared) if no such device.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmTableClearIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        dev.tableHead().destroyInactive(dm.pdevs());
        dev.setFlags(dev.flags() & ~DM_INACTIVE_PRESENT_FLAG);
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_table_clear_ioctl");
}
