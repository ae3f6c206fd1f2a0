package org.dmemu.lvm;

/**
 * A device LVM2 may find a physical volume on: an emulated disk partition opened through the
 * kernel ({@code /dev/rwd1a}), or bytes in memory (tests). Offsets are in bytes from the start
 * of the device.
 */
public interface PvDevice {
    /** The name LVM2 reports ({@code pv_name}): the raw node, {@code /dev/rwd1a}. */
    String name();

    /**
     * The block node the dm tables name ({@code dm_format_dev} on NetBSD prints the block
     * device of the raw node LVM2 scanned): {@code /dev/wd1a}.
     */
    String blockName();

    /** The size in bytes. */
    long size();

    /**
     * Reads {@code len} bytes at {@code pos}; false on an I/O error or a range past the end.
     */
    boolean read(long pos, byte[] b, int off, int len);
}
