package org.dmemu.serve;

import org.dmemu.kern.IoctlResult;

/**
 * What the control socket forwards each frame to: {@code ioctl(fd, cmd, &pref)} on
 * {@code /dev/mapper/control}, with {@code plist} as the bytes at {@code pref_plist} and its
 * length as {@code pref_len}.
 */
@FunctionalInterface
public interface ControlHandler {
    IoctlResult ioctl(long cmd, byte[] plist);
}
