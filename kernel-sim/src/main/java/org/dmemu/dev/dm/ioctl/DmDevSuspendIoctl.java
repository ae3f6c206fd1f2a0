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
 * Emulates {@code dm_dev_suspend_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Sets the device's SUSPEND flag and nothing else: I/O is not blocked. Reply:
 * {@code open_count}, {@code flags} = the device's flag word | EXISTS, {@code minor}.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmDevSuspendIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        // dmemu extension: the presuspend hook (Linux), a no-op for NetBSD's own targets
        for (DmTableEntry en : dev.tableHead().active().entries()) {
            if (en.config() != null) {
                en.target.presuspend(en, (q.flags() & DM_NOFLUSH_FLAG) != 0);
            }
        }
        dev.setFlags(dev.flags() | DM_SUSPEND_FLAG);
        d.setUint32(DM_IOCTL_OPEN, dev.tableHead().readerCount());
        d.setUint32(DM_IOCTL_FLAGS, dev.flags());
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        addFlag(d, q.flags(), DM_EXISTS_FLAG);
        dm.trace(3, FLAGS, dev.flags());
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_dev_suspend_ioctl");
    private static final TracePoint FLAGS = TracePoint.of("dm_dev_suspend_ioctl", "device flags 0x{flags:x} (I/O continues)");
}
