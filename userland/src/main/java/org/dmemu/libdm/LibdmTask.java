package org.dmemu.libdm;

import static org.dmemu.dev.dm.NetbsdDm.*;

import java.util.OptionalLong;
import java.util.Set;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;

/**
 * Emulates {@code libdm_task_t} and its functions from lib/libdm/libdm_ioctl.c (stored commit
 * 6213854f, the current one): a request dictionary that {@link #run} replaces with the
 * kernel's reply.
 *
 * <p>Method names drop the {@code libdm_task_} prefix; C's {@code (value, task)} argument order
 * becomes {@code task.setX(value)}.
 *
 * <p>Differences from NetBSD:
 * <ul>
 * <li>Getters whose C result is undefined when the key is absent ({@code get_flags},
 * {@code get_target_num}, {@code get_open_num}, {@code get_event_num}) return 0; so do the
 * flag read-modify-write helpers start from 0.</li>
 * <li>{@link #run} takes the transport (a control socket or an in-process kernel) instead of
 * opening {@code /dev/mapper/control}; it does not write {@code /tmp/libdm_in} and
 * {@code /tmp/libdm_out}. A failed run leaves the task usable (C destroys it).</li>
 * </ul>
 */
public final class LibdmTask {
    /** errno values libdm returns itself. */
    public static final int ENOENT = 2;
    public static final int EIO = 5;

    /** The commands of {@code cmd_ver[]}: they get {@code version = [4, 0, 0]}. */
    static final Set<String> CMD_VER = Set.of("version", "targets", "create", "info", "mknodes", "names",
            "suspend", "remove", "rename", "resume", "clear", "deps", "reload", "status", "table");

    private PropDictionary dict;

    private LibdmTask(PropDictionary dict) {
        this.dict = dict;
    }

    /**
     * {@code libdm_task_create(command)}: a dictionary with {@code command}, plus
     * {@code version = [0x4, 0x0, 0x0]} (unsigned) if the command is in {@code cmd_ver[]}.
     */
    public static LibdmTask create(String command) {
        PropDictionary d = new PropDictionary();
        d.setString(DM_IOCTL_COMMAND, command);
        if (CMD_VER.contains(command)) {
            PropArray v = new PropArray();
            v.addUint32(4);
            v.addUint32(0);
            v.addUint32(0);
            d.set(DM_IOCTL_VERSION, v);
        }
        return new LibdmTask(d);
    }

    /** The request (before {@link #run}) or reply (after) dictionary itself. */
    public PropDictionary dictionary() {
        return dict;
    }

    /**
     * {@code libdm_task_run}: externalizes the dictionary (the plistref holds the text and its
     * NUL, as {@code prop_dictionary_sendrecv_ioctl} sends it), issues {@code NETBSD_DM_IOCTL},
     * and on success replaces the dictionary with the internalized reply. Returns 0, the
     * transport's errno, or EIO when the reply does not internalize to a dictionary.
     */
    public int run(DmTransport transport) {
        byte[] request = PropKern.externalizeRequest(dict);
        IoctlResult r = transport.ioctl(DmTransport.NETBSD_DM_IOCTL, request);
        if (r.errno() != 0) {
            return r.errno();
        }
        try {
            dict = PropKern.internalizeReply(r.out(), r.out().length);
        } catch (PropKern.PropKernException e) {
            return e.errno();
        }
        return 0;
    }

    public int setName(String name) {
        return dict.setString(DM_IOCTL_NAME, name) ? 0 : ENOENT;
    }

    public String getName() {
        return dict.getString(DM_IOCTL_NAME);
    }

    public int setUuid(String uuid) {
        return dict.setString(DM_IOCTL_UUID, uuid) ? 0 : ENOENT;
    }

    public String getUuid() {
        return dict.getString(DM_IOCTL_UUID);
    }

    public String getCommand() {
        return dict.getString(DM_IOCTL_COMMAND);
    }

    /**
     * {@code libdm_task_get_cmd_version}: if the {@code version} array has more than {@code n}
     * elements returns minus its count; otherwise fills {@code ver[i]} for {@code i < n} from
     * elements that are uint32 (others left as they are) and returns {@code n}.
     */
    public int getCmdVersion(long[] ver, int n) {
        return readVersion(dict.getArray(DM_IOCTL_VERSION), ver, n);
    }

    static int readVersion(PropArray a, long[] ver, int n) {
        if (a == null) {
            return n; // prop_array_count(NULL) is 0: nothing filled
        }
        if (a.count() > n) {
            return -a.count();
        }
        for (int i = 0; i < n && i < ver.length; i++) {
            OptionalLong v = a.getUint32(i);
            if (v.isPresent()) {
                ver[i] = v.getAsLong();
            }
        }
        return n;
    }

    public int setMinor(long minor) {
        return dict.setUint32(DM_IOCTL_MINOR, minor) ? 0 : ENOENT;
    }

    public long getMinor() {
        return dict.getUint32(DM_IOCTL_MINOR).orElse(0);
    }

    /** {@code libdm_task_set_flags}: overwrites {@code flags} (uint32). */
    public void setFlags(long flags) {
        dict.setUint32(DM_IOCTL_FLAGS, flags);
    }

    /** {@code libdm_task_get_flags}: 0 when absent (undefined in C). */
    public long getFlags() {
        return dict.getUint32(DM_IOCTL_FLAGS).orElse(0);
    }

    private void modifyFlags(int bit, boolean set) {
        long f = getFlags();
        setFlags(set ? f | bit : f & ~bit);
    }

    public void setSuspendFlag() {
        modifyFlags(DM_SUSPEND_FLAG, true);
    }

    public void delSuspendFlag() {
        modifyFlags(DM_SUSPEND_FLAG, false);
    }

    public void setStatusFlag() {
        modifyFlags(DM_STATUS_TABLE_FLAG, true);
    }

    public void delStatusFlag() {
        modifyFlags(DM_STATUS_TABLE_FLAG, false);
    }

    public void setExistsFlag() {
        modifyFlags(DM_EXISTS_FLAG, true);
    }

    public void delExistsFlag() {
        modifyFlags(DM_EXISTS_FLAG, false);
    }

    public long getTargetNum() {
        return dict.getUint32(DM_IOCTL_TARGET_COUNT).orElse(0);
    }

    /** {@code libdm_task_get_open_num}: read as int32. */
    public int getOpenNum() {
        return dict.getInt32(DM_IOCTL_OPEN).orElse(0);
    }

    public long getEventNum() {
        return dict.getUint32(DM_IOCTL_EVENT).orElse(0);
    }

    /** {@code libdm_task_set_cmd}: stores the array itself (shared). */
    public int setCmd(LibdmCmd cmd) {
        return dict.set(DM_IOCTL_CMD_DATA, cmd.array()) ? 0 : ENOENT;
    }

    /** {@code libdm_task_get_cmd}: null if {@code cmd_data} is absent or not an array. */
    public LibdmCmd getCmd() {
        PropArray a = dict.getArray(DM_IOCTL_CMD_DATA);
        return a == null ? null : new LibdmCmd(a);
    }
}
