package org.dmemu.cli;

/**
 * The udev cookie commands: {@code dmsetup udevflags}, {@code udevcomplete},
 * {@code udevcomplete_all} and {@code udevcookies}, after LVM2 2.02.56 tools/dmsetup.c
 * {@code _udevflags}, {@code _udevcomplete}, {@code _udevcomplete_all}, {@code _udevcookies}
 * and {@code _get_cookie_value}, as built without {@code --enable-udev-sync} (NetBSD's build):
 * {@code udevflags} decodes the flag bits of a cookie, {@code udevcomplete} only checks the
 * cookie, and the other two are refused.
 *
 * <p>Differences from NetBSD/LVM2: none.
 */
final class DmsetupUdev {
    private final DmsetupContext c;

    DmsetupUdev(DmsetupContext c) {
        this.c = c;
    }

    /** {@code _udevflags}: one {@code NAME='1'} line per flag set in the cookie's high 16 bits. */
    boolean udevflags(String arg) {
        long v = cookie(arg);
        if (v == 0) {
            return false;
        }
        String[] names = {"DISABLE_DM_RULES", "DISABLE_SUBSYSTEM_RULES", "DISABLE_DISK_RULES",
            "DISABLE_OTHER_RULES", "LOW_PRIORITY", null, null, null};
        int flags = (int) (v >>> 16);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if ((flags & (1 << i)) != 0) {
                if (i < 8 && names[i] != null) {
                    sb.append("DM_UDEV_").append(names[i]).append("_FLAG='1'\n");
                } else if (i < 8) {
                    sb.append("DM_UDEV_FLAG").append(i).append("='1'\n");
                } else {
                    sb.append("DM_SUBSYSTEM_UDEV_FLAG").append(i - 8).append("='1'\n");
                }
            }
        }
        c.out.print(sb);
        return true;
    }

    /** {@code _udevcomplete} without udev sync: the cookie is checked, nothing is sent. */
    boolean udevcomplete(String arg) {
        return cookie(arg) != 0;
    }

    /** {@code _udevcomplete_all} and {@code _udevcookies} without udev sync. */
    boolean notSupported() {
        c.err.print("Command not supported. Recompile with \"--enable-udev-sync\" to enable.\n");
        return false;
    }

    /** {@code _get_cookie_value}: 0 (after the message) if invalid. */
    private long cookie(String s) {
        long v;
        try {
            v = Long.decode(s.strip());
        } catch (NumberFormatException e) {
            v = 0;
        }
        if (v <= 0 || v > 0xFFFFFFFFL) {
            c.err.print("Incorrect cookie value\n");
            return 0;
        }
        return v;
    }
}
