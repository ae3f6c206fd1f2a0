package org.dmemu.libdevmapper;

import java.io.PrintStream;
import org.dmemu.dev.disk.DiskDriver;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.libdm.DmTransport;

/**
 * The process-wide state of LVM2's libdevmapper as NetBSD builds it
 * (external/gpl2/lvm2/dist/libdm/ioctl/libdm-nbsd-iface.c 1.11, libdm-common.c of 2.02.56):
 * the control node, the one-time version check, the logging streams, and the
 * {@code kern.drivers} majors it looks up with sysctl.
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>The control node is a {@link DmTransport}; when it cannot be reached libdevmapper's
 * {@code _open_control} failure message is printed (no {@code mknod} of a missing node).</li>
 * <li>There is no {@code /dev/mapper} directory: device nodes are neither created nor removed,
 * and the {@code mknodes} walk of that directory finds nothing.</li>
 * <li>{@code kern.drivers} is the emulator's driver table (wd, sd, ld, vnd, dm).</li>
 * </ul>
 */
public final class Libdevmapper {
    /** {@code DM_LIB_VERSION} of the NetBSD build (dist/include/configure.h 1.4). */
    public static final String DM_LIB_VERSION = "1.02.40 (2009-11-24)";

    final DmTransport transport;
    final PrintStream out;
    final PrintStream err;
    private boolean versionChecked;
    private boolean controlOpen;
    /** {@code _dm_version_minor}, learnt from the first version reply. */
    int dmVersionMinor;

    public Libdevmapper(DmTransport transport, PrintStream out, PrintStream err) {
        this.transport = transport;
        this.out = out;
        this.err = err;
    }

    /** {@code log_error}: one line on stderr. */
    void logError(String msg) {
        err.print(msg + "\n");
    }

    /** {@code nbsd_get_dm_major(DM_BLOCK_MAJOR)}. */
    public static int dmBlockMajor() {
        return NetbsdDm.DM_BMAJOR;
    }

    /** The char major of the driver whose block major is {@code bmajor} (kern.drivers); -1 if none. */
    static int charMajorOf(int bmajor) {
        if (bmajor == NetbsdDm.DM_BMAJOR) {
            return NetbsdDm.DM_CMAJOR;
        }
        for (DiskDriver d : DiskDriver.values()) {
            if (d.bmajor() == bmajor) {
                return d.cmajor();
            }
        }
        return -1;
    }

    /**
     * {@code dm_check_version}: the first call runs one {@code version} task; later calls
     * return the cached answer. As in the C code a failed check is reported once and then
     * treated as passed.
     */
    boolean checkVersion() {
        if (versionChecked) {
            return true;
        }
        versionChecked = true;
        DmTask t = new DmTask(this, DmTask.Type.VERSION);
        boolean r = t.run();
        t.driverVersion();
        return r;
    }

    /** {@code _open_control}: false (after the failure message) when the socket cannot be reached. */
    boolean openControl() {
        if (controlOpen) {
            return true;
        }
        if (transport instanceof org.dmemu.libdm.UnixSocketTransport u && !java.nio.file.Files.exists(u.path())) {
            logError("Failure to communicate with kernel device-mapper driver.");
            return false;
        }
        controlOpen = true;
        return true;
    }

    /** {@code dm_task_create(type)}: null when the version check fails. */
    public DmTask taskCreate(DmTask.Type type) {
        if (!checkVersion()) {
            return null;
        }
        return new DmTask(this, type);
    }

    /** {@code dm_get_library_version}. */
    public String libraryVersion() {
        return DM_LIB_VERSION;
    }

    /** {@code dm_driver_version}: "4.16.0", or null on failure. */
    public String driverVersion() {
        DmTask t = taskCreate(DmTask.Type.VERSION);
        if (t == null || !t.run()) {
            return null;
        }
        return t.driverVersion();
    }

    /**
     * {@code dm_mknodes(name)}: one {@code mknodes} request for a name; without one, the
     * mapper-directory walk (empty here) then {@code names} and one {@code mknodes} per device.
     */
    public boolean mknodes(String name) {
        DmTask t = taskCreate(DmTask.Type.MKNODES);
        if (t == null) {
            return false;
        }
        if (name != null && !t.setName(name)) {
            return false;
        }
        return t.run();
    }
}
