package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.NetbsdDm.*;
import static org.dmemu.dev.dm.ioctl.DmIoctlUtil.*;

import java.util.List;

import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates DragonFly BSD's {@code dm_message_ioctl()} (sys/dev/disk/dm/dm_ioctl.c; Linux's
 * {@code DM_TARGET_MSG}, drivers/md/dm-ioctl.c {@code target_message}): the {@code message}
 * command, a dmemu extension registered only when a target with a message hook is configured
 * ({@code --targets multipath}).
 *
 * <p>Request keys (top level, as DragonFly's libdm sets them): {@code name}/{@code uuid}/
 * {@code minor} (device lookup), {@code sector} (uint64, missing = 0) and {@code message}
 * (string). Not found → EXISTS cleared, ENOENT. The entry is the first of the active table when
 * {@code sector} is 0, else the entry with {@code start <= sector < start + length}. No entry,
 * no message string, or a target without a message hook → EINVAL. Otherwise the target's
 * hook runs with the message split on blanks (Linux {@code dm_split_args}) and its errno is
 * returned. The reply is the request unchanged.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no {@code message} command (unknown command →
 * EINVAL); this whole handler is an extension. Differences from DragonFly: a missing
 * {@code message} key gives EINVAL instead of reading an uninitialised pointer; the message is
 * split into arguments here rather than by each target.
 */
public final class DmTargetMsgIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        long sector = d.getUint64(DM_MESSAGE_SECTOR).orElse(0);
        dm.trace(2, START, q.name(), q.uuid(), q.minor(), q.flags(), sector);
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, LOOKUP_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        String msg = cstr(d, DM_MESSAGE_STR);
        if (msg == null) {
            dm.trace(3, NO_MESSAGE, Errno.EINVAL);
            return Errno.EINVAL;
        }
        DmTableEntry en = entryFor(dev.tableHead().active().entries(), sector);
        if (en == null) {
            dm.trace(3, NO_ENTRY, sector, Errno.EINVAL);
            return Errno.EINVAL;
        }
        if (!en.target.hasMessage() || en.config() == null) {
            dm.trace(3, NO_HOOK, en.target.name(), Errno.EINVAL);
            return Errno.EINVAL;
        }
        String[] argv = DmTableLoadIoctl.tokens(msg, Integer.MAX_VALUE);
        dm.trace(3, MESSAGE, en.toString(), msg);
        Errno e = en.target.message(en, argv, dm.tracing() ? dm.traceSink() : null, 4);
        return e;
    }

    /** Sector 0 → the first entry; otherwise the entry containing {@code sector}, or null. */
    static DmTableEntry entryFor(List<DmTableEntry> entries, long sector) {
        if (sector == 0) {
            return entries.isEmpty() ? null : entries.get(0);
        }
        for (DmTableEntry en : entries) {
            long end = en.start + en.length;
            if (Long.compareUnsigned(sector, en.start) >= 0 && Long.compareUnsigned(sector, end) < 0) {
                return en;
            }
        }
        return null;
    }

    // trace points
    private static final TracePoint START = TracePoint.of("dm_message_ioctl",
            "dm_message_ioctl: name {name:q}, uuid {uuid:q}, minor {minor}, flags 0x{flags:x}, sector {sector:u}");
    private static final TracePoint NO_MESSAGE = TracePoint.of("dm_message_ioctl", "no message string -> {error}");
    private static final TracePoint NO_ENTRY = TracePoint.of("dm_message_ioctl",
            "no active entry for sector {sector:u} -> {error}");
    private static final TracePoint NO_HOOK = TracePoint.of("dm_message_ioctl",
            "target {target} has no message hook -> {error}");
    private static final TracePoint MESSAGE = TracePoint.of("dm_message_ioctl", "entry ({entry}): message {message:q}");
}
