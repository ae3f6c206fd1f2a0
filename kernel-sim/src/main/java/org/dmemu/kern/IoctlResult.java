package org.dmemu.kern;

/**
 * The outcome of an ioctl on the control device as the calling process sees it.
 *
 * @param errno the ioctl's return value (0 on success)
 * @param out   on success, the {@code pref_len} bytes found at the copied-out
 *              {@code pref_plist} (the XML and its terminating NUL); empty when errno != 0
 */
public record IoctlResult(int errno, byte[] out) {
}
