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
 * Emulates {@code dm_dev_resume_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Device flags {@code &= ~(SUSPEND|INACTIVE_PRESENT), |= ACTIVE_PRESENT}; switch tables
 * (unconditional — without a loaded table the empty slot becomes
 * active); reply flags = request flags | EXISTS; {@code dmgetproperties}; reply
 * {@code open_count}, {@code flags}, {@code minor}; destroy the now inactive (old) table once
 * the I/O still inside it has finished — waited for after the kernel lock is released, so a
 * slow device delays only this ioctl (issue 16 point 4).
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmDevResumeIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        dev.setFlags((dev.flags() & ~(DM_SUSPEND_FLAG | DM_INACTIVE_PRESENT_FLAG)) | DM_ACTIVE_PRESENT_FLAG);
        // dmemu extension: presuspend/resume hooks (Linux), no-ops for NetBSD's own targets
        for (DmTableEntry en : dev.tableHead().active().entries()) {
            if (en.config() != null) {
                en.target.presuspend(en, false);
            }
        }
        dev.tableHead().switchTables();
        for (DmTableEntry en : dev.tableHead().active().entries()) {
            if (en.config() != null) {
                en.target.resume(en);
            }
        }
        dm.trace(3, SWITCH, dev.tableHead().curActive(), dev.tableHead().count(false));
        long flags = addFlag(d, q.flags(), DM_EXISTS_FLAG);
        dm.getProperties(dev);
        d.setUint32(DM_IOCTL_OPEN, dev.tableHead().readerCount());
        d.setUint32(DM_IOCTL_FLAGS, flags);
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        int old = dev.tableHead().count(true);
        dev.tableHead().destroyInactive(dm.pdevs());
        dm.trace(3, DESTROY, old);
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_dev_resume_ioctl");
    private static final TracePoint SWITCH = TracePoint.of("dm_table_switch_tables",
            "dm_table_switch_tables: active slot now {cur_active}, {entries} entries");
    private static final TracePoint DESTROY = TracePoint.of("dm_table_destroy",
            "dm_table_destroy: old table ({entries} entries) destroyed");
}
