package org.dmemu.dev.dm;

import org.dmemu.proplib.PropDictionary;

/**
 * Emulates {@code struct dm_dev} (dm.h 1.56): one mapped device.
 *
 * <p>Names and uuids are held as byte strings (one Java char per byte, ISO-8859-1) so that
 * truncation and comparison work on bytes exactly as C does.
 *
 * <p>Differences from NetBSD: {@code ref_cnt} is not kept (ioctls are serialised by the
 * kernel's ioctl lock, strategy callers are counted by the table head); {@code listed}
 * stands for "reachable by {@code dm_dev_lookup_minor}", which dmstrategy checks.
 */
public final class DmDev {
    /** Block open bit of {@link #openMask()} ({@code dk_bopenmask} bit 0). */
    public static final int OPEN_BLK = 1;
    /** Character open bit ({@code dk_copenmask} bit 0). */
    public static final int OPEN_CHR = 2;

    String name;
    final String uuid;
    /** {@code minor}: assigned at create, never reused. */
    public final long minor;
    /** {@code flags}: READONLY/SUSPEND/ACTIVE_PRESENT/INACTIVE_PRESENT. */
    int flags;
    final DmTableHead tableHead;
    int openMask;
    volatile boolean listed;
    /** {@code dk_info} (DIOCGDISKINFO), null until a resume finds numsec &gt; 0. */
    PropDictionary dkInfo;
    /** {@code dk_blkshift} of the disk(9) structure, set by {@code disk_set_info} at resume. */
    int blkshift;

    DmDev(String name, String uuid, long minor, int flags, DmReaders readers) {
        this.tableHead = new DmTableHead(readers);
        this.name = name;
        this.uuid = uuid;
        this.minor = minor;
        this.flags = flags;
    }

    /** The name (byte string). */
    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The uuid (byte string, possibly empty). */
    public String uuid() {
        return uuid;
    }

    public int flags() {
        return flags;
    }

    public void setFlags(int flags) {
        this.flags = flags;
    }

    public DmTableHead tableHead() {
        return tableHead;
    }

    /** The union of the open bits. */
    public int openMask() {
        return openMask;
    }

    public PropDictionary dkInfo() {
        return dkInfo;
    }

    public void setDkInfo(PropDictionary d) {
        dkInfo = d;
    }

    public boolean listed() {
        return listed;
    }

    @Override
    public String toString() {
        return "dm" + minor + "[" + name + "]";
    }
}
