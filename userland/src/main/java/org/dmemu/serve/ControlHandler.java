package org.dmemu.serve;

import org.dmemu.kern.IoctlResult;

/**
 * What the control socket forwards each frame to: {@code ioctl(fd, cmd, &pref)} on
 * {@code /dev/mapper/control}, with {@code plist} as the bytes at {@code pref_plist} and its
 * length as {@code pref_len}.
 *
 * <p>Differences from NetBSD: the plistref pointer travels as the bytes it points at.
 */
@FunctionalInterface
public interface ControlHandler {
    IoctlResult ioctl(long cmd, byte[] plist);

    /**
     * The same ioctl, told which client sent it ({@code client}: the connection's number and
     * peer credentials, for {@code --record} and {@code --lint}).
     */
    default IoctlResult ioctl(long cmd, byte[] plist, String client) {
        return ioctl(cmd, plist);
    }
}
