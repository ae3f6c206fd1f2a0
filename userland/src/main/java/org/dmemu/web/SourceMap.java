package org.dmemu.web;

import java.util.Map;

/**
 * Where each traced NetBSD function lives: the dmemu class that emulates it and the NetBSD source
 * file that defines it, and which lane of the sequence diagram it is drawn in.
 *
 * <p>The lanes follow a request down the driver: the user's {@code client}, the character
 * device's {@code dmioctl} (copyin, version check, command lookup, copyout), the command's
 * {@code handler} in dm_ioctl.c, the {@code dm core} registries (devices, tables, pdevs), the
 * block device's {@code dmstrategy}, the {@code target} that maps the buf, and the component's
 * {@code disk} driver.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid).
 */
final class SourceMap {
    /** The lanes in drawing order. */
    static final String[] LANES = {"client", "dmioctl", "handler", "dm core", "dmstrategy", "target", "disk"};

    /** Where a function lives. */
    record Source(String javaClass, String netbsdFile) {
    }

    private static final String DM = "org.dmemu.dev.dm.";
    private static final Source UNKNOWN = new Source("", "");

    private static final Map<String, Source> FIXED = Map.ofEntries(
            Map.entry("dmioctl", new Source(DM + "DeviceMapper#dmioctl", "sys/dev/dm/device-mapper.c")),
            Map.entry("dm_check_version", new Source(DM + "DeviceMapper#dmioctl", "sys/dev/dm/device-mapper.c")),
            Map.entry("dm_cmd_to_fun", new Source(DM + "DmCommandTable", "sys/dev/dm/device-mapper.c")),
            Map.entry("prop_dictionary_copyin_ioctl",
                    new Source("org.dmemu.proplib.PropKern", "common/lib/libprop/prop_kern.c")),
            Map.entry("prop_dictionary_copyout_ioctl",
                    new Source("org.dmemu.proplib.PropKern", "common/lib/libprop/prop_kern.c")),
            Map.entry("return", new Source(DM + "DeviceMapper#dmioctl", "sys/dev/dm/device-mapper.c")),
            Map.entry("dm_table_init", new Source(DM + "ioctl.DmTableLoadIoctl", "sys/dev/dm/dm_ioctl.c")),
            Map.entry("dm_table_switch_tables", new Source(DM + "DmTableHead#switchTables", "sys/dev/dm/dm_table.c")),
            Map.entry("dm_table_destroy", new Source(DM + "DmTableHead", "sys/dev/dm/dm_table.c")),
            Map.entry("dm_table_get_entry", new Source(DM + "DeviceMapper#dmstrategy", "sys/dev/dm/dm_table.c")),
            Map.entry("dmstrategy", new Source(DM + "DeviceMapper#dmstrategy", "sys/dev/dm/device-mapper.c")),
            Map.entry("nestiobuf_setup", new Source(DM + "DeviceMapper#dmstrategy", "sys/kern/vfs_bio.c")),
            Map.entry("bounds_check_with_mediasize",
                    new Source(DM + "DeviceMapper#dmstrategy", "sys/kern/subr_disk.c")),
            Map.entry("biodone", new Source("org.dmemu.sys.Buf", "sys/kern/vfs_bio.c")),
            Map.entry("bounds_check", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/kern/subr_disk.c")),
            Map.entry("readdisklabel", new Source("org.dmemu.disklabel.DiskLabelReader", "sys/kern/subr_disk_mbr.c")),
            Map.entry("dk_ioctl", new Source("org.dmemu.dev.disk.Disk#ioctl", "sys/dev/dksubr.c")),
            Map.entry("wdstrategy", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/ata/wd.c")),
            Map.entry("sdstrategy", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/scsipi/sd.c")),
            Map.entry("ldstrategy", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/ld.c")),
            Map.entry("vndstrategy", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/vnd.c")),
            Map.entry("dk_discard", new Source("org.dmemu.dev.disk.Disk#discard", "sys/dev/dksubr.c")),
            Map.entry("dm_detach", new Source(DM + "ioctl.DmDevRemoveIoctl", "sys/dev/dm/device-mapper.c")),
            Map.entry("dm_target_lookup", new Source(DM + "target.DmTargetList", "sys/dev/dm/dm_target.c")),
            Map.entry("dm_dev_lookup_minor", new Source(DM + "DeviceMapper#dmstrategy", "sys/dev/dm/dm_dev.c")),
            Map.entry("nestiobuf_done", new Source(DM + "DeviceMapper#dmstrategy", "sys/kern/vfs_bio.c")),
            Map.entry("disk_ioctl_switch", new Source(DM + "DmDiskIoctl", "sys/dev/dm/device-mapper.c")),
            Map.entry("VOP_STRATEGY", new Source(DM + "DmPdev#strategy", "sys/sys/vnode_if.h")),
            Map.entry("dk_translate", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/dksubr.c")),
            Map.entry("dk_strategy", new Source("org.dmemu.dev.disk.Disk#strategy", "sys/dev/dksubr.c")),
            Map.entry("bounds_check_with_label",
                    new Source("org.dmemu.dev.disk.Disk#strategy", "sys/kern/subr_disk.c")),
            Map.entry("dm_label_area_check", new Source(DM + "DmLabelAreaCheck",
                    "not in NetBSD: dmemu's check of the dm(4) label-sector rule")),
            // extensions: the C they follow is not NetBSD's
            Map.entry("dm_message_ioctl", new Source(DM + "ioctl.DmTargetMsgIoctl",
                    "not in NetBSD; DragonFly sys/dev/disk/dm/dm_ioctl.c")),
            Map.entry("multipath_message", new Source(DM + "target.DmTargetMultipath",
                    "not in NetBSD; Linux drivers/md/dm-mpath.c")),
            Map.entry("dm_target_multipath_strategy", new Source(DM + "target.DmTargetMultipath",
                    "not in NetBSD; Linux drivers/md/dm-mpath.c")),
            Map.entry("dm_target_mirror_strategy", new Source(DM + "target.DmTargetMirror",
                    "NetBSD has a stub only; Linux drivers/md/dm-raid1.c")),
            Map.entry("dm_target_snapshot_strategy", new Source(DM + "target.DmTargetSnapshot",
                    "NetBSD has a stub only; Linux drivers/md/dm-snap.c")),
            Map.entry("dm_target_snapshot_origin_strategy", new Source(DM + "target.DmTargetSnapshotOrigin",
                    "NetBSD has a stub only; Linux drivers/md/dm-snap.c")),
            Map.entry("start_copy", new Source(DM + "target.snap.SnapshotRegistry",
                    "NetBSD has a stub only; Linux drivers/md/dm-snap.c")),
            Map.entry("__invalidate_snapshot", new Source(DM + "target.snap.SnapshotRegistry",
                    "NetBSD has a stub only; Linux drivers/md/dm-snap.c")),
            Map.entry("do_recovery", new Source(DM + "target.mirror.MirrorSet",
                    "NetBSD has a stub only; Linux drivers/md/dm-raid1.c")),
            Map.entry("dm_target_crypt_strategy", new Source(DM + "target.DmTargetCrypt",
                    "not in NetBSD (cgd instead); DragonFly sys/dev/disk/dm/crypt/dm_target_crypt.c")));

    private SourceMap() {
    }

    /** Where {@code function} lives; empty strings when it is not a known step. */
    static Source of(String function) {
        Source s = FIXED.get(function);
        if (s != null) {
            return s;
        }
        if (function.startsWith("dm_") && function.endsWith("_ioctl")) {
            // dm_table_load_ioctl -> DmTableLoadIoctl, one class per handler in dm_ioctl.c
            return new Source(DM + "ioctl." + camel(function), "sys/dev/dm/dm_ioctl.c");
        }
        if (function.startsWith("dm_target_") && function.endsWith("_strategy")) {
            String target = function.substring("dm_target_".length(), function.length() - "_strategy".length());
            return new Source(DM + "target.DmTarget" + camel(target), "sys/dev/dm/dm_target_" + target + ".c");
        }
        if (function.startsWith("dm_dev_")) {
            return new Source(DM + "DmDevList", "sys/dev/dm/dm_dev.c");
        }
        if (function.startsWith("dm_pdev_")) {
            return new Source(DM + "DmPdevList", "sys/dev/dm/dm_pdev.c");
        }
        return UNKNOWN;
    }

    /** The lane {@code function} is drawn in. */
    static String lane(String function) {
        switch (function) {
            case "dmioctl", "dm_check_version", "dm_cmd_to_fun", "prop_dictionary_copyin_ioctl",
                    "prop_dictionary_copyout_ioctl", "return", "disk_ioctl_switch" -> {
                return "dmioctl";
            }
            case "dmstrategy", "dm_table_get_entry", "nestiobuf_setup", "nestiobuf_done", "dm_dev_lookup_minor",
                    "bounds_check_with_mediasize", "biodone" -> {
                return "dmstrategy";
            }
            case "bounds_check", "bounds_check_with_label", "readdisklabel", "dk_ioctl", "dk_discard", "dk_translate",
                    "dk_strategy" -> {
                return "disk";
            }
            default -> {
                if (function.startsWith("dm_target_") || function.equals("multipath_message")
                        || function.equals("start_copy") || function.equals("__invalidate_snapshot")
                        || function.equals("do_recovery")) {
                    return "target";
                }
                if (function.startsWith("dm_") && function.endsWith("_ioctl")) {
                    return "handler";
                }
                if (function.startsWith("dm_")) {
                    return "dm core";
                }
                if (function.endsWith("strategy")) {
                    return "disk";
                }
                return "dm core";
            }
        }
    }

    private static String camel(String snake) {
        StringBuilder sb = new StringBuilder(snake.length());
        for (String part : snake.split("_")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return sb.toString();
    }
}
