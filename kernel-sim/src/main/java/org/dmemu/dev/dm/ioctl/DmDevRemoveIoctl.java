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
 * Emulates {@code dm_dev_remove_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Lookup (ENOENT, EXISTS cleared), then {@code config_detach} → {@code dm_detach}: EBUSY if
 * the device is open (block or character open bit); else unlink, destroy the active then the
 * inactive table (in-flight I/O is waited for after the kernel lock is released), free. Reply unchanged on success.
 *
 * <p>Differences from NetBSD: the busy check inspects the device being removed (NetBSD looks
 * up {@code minor == unit number}, off by one: quirk Q1).
 */
public final class DmDevRemoveIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        if (dev.openMask() != 0) {
            dm.trace(3, DETACH_BUSY, Errno.EBUSY);
            return Errno.EBUSY;
        }
        dm.devs().unlink(dev);
        // dmemu extension: the presuspend hook (Linux), a no-op for NetBSD's own targets
        for (var en : dev.tableHead().active().entries()) {
            if (en.config() != null) {
                en.target.presuspend(en, false);
            }
        }
        dev.tableHead().destroyActive(dm.pdevs());
        dev.tableHead().destroyInactive(dm.pdevs());
        dm.countDevice(-1);
        dm.trace(3, DETACH, dev.minor);
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_dev_remove_ioctl");
    private static final TracePoint DETACH_BUSY = TracePoint.of("dm_detach", "dm_detach: device open -> {error}");
    private static final TracePoint DETACH = TracePoint.of("dm_detach", "dm_detach: minor {minor} unlinked, tables destroyed");
}
