package org.dmemu.dev.dm.ioctl;

import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;

/**
 * One command handler of sys/dev/dm/dm_ioctl.c: {@code int dm_<noun>_<verb>_ioctl(prop_dictionary_t)}.
 * It mutates the request dictionary in place (that dictionary is the reply) and returns the
 * handler's errno, which {@code dmioctl} does not return to the caller (see DeviceMapper).
 *
 * <p>Differences from NetBSD: none.
 */
@FunctionalInterface
public interface DmIoctlHandler {
    /** Runs the command on {@code dict}; called with the kernel's ioctl lock held. */
    Errno handle(DeviceMapper dm, PropDictionary dict);
}
