package org.dmemu.libdm;

import org.dmemu.kern.IoctlResult;

/**
 * How libdm reaches {@code /dev/mapper/control}: one {@code NETBSD_DM_IOCTL} per call.
 * {@link UnixSocketTransport} talks to a {@code dmemu serve} control socket,
 * {@link KernelTransport} to a {@link org.dmemu.kern.Kernel} in the same process.
 */
public interface DmTransport {
    /** {@code NETBSD_DM_IOCTL} on LP64: {@code _IOWR(0xfd, 0, struct plistref)}. */
    long NETBSD_DM_IOCTL = 0xC010FD00L;

    /**
     * Opens the control node, issues the ioctl with {@code plist} at {@code pref_plist}, and
     * closes it again. A failure to open the node or to talk to it is an errno in the result
     * (ENOENT when the control node does not exist), never an exception.
     */
    IoctlResult ioctl(long cmd, byte[] plist);
}
