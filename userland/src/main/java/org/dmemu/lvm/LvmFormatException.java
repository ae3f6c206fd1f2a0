package org.dmemu.lvm;

/**
 * Bad or inconsistent LVM2 metadata: the message names the device (the PV) and what failed,
 * in one line, e.g. {@code /dev/rwd1a: mda header at 4096: checksum 0x1234 != 0x5678}.
 */
public final class LvmFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public LvmFormatException(String message) {
        super(message);
    }
}
