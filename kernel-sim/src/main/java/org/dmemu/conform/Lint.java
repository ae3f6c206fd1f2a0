package org.dmemu.conform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.dev.dm.ioctl.DmIoctlUtil;
import org.dmemu.dev.dm.target.DmTarget;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.sys.Errno;

/**
 * {@code --lint}: one warning line on standard error for each thing NetBSD 10's dm accepts in a
 * request but silently reinterprets or drops. Each rule names the request, the key and the
 * kernel function (docs/lint.md lists them with their NetBSD sources):
 *
 * <ul>
 * <li>{@code handler-error}: a handler failed, but {@code dmioctl} returns the copy-out status
 *     (0); the client sees the failure only as a missing {@code DM_EXISTS_FLAG}, or not at all
 *     (device-mapper.c {@code dmioctl}, {@code dm_cmd_to_fun}, {@code dm_check_version}).</li>
 * <li>{@code signedness}: {@code flags}, {@code minor}, {@code version} and a table entry's
 *     {@code start}/{@code length} are read with unsigned getters: a signed number is accepted
 *     when in range (and written back unsigned), a negative or too large one, or a value of
 *     another type, is ignored and the kernel's default is used.</li>
 * <li>{@code argc}: a table entry's {@code params} with more tokens than the target takes
 *     (20, {@code DM_MAX_ARGC}): the rest are dropped.</li>
 * <li>{@code unknown-key}: a key no dm handler reads (top level or in a table entry).</li>
 * <li>{@code rename-clash}: rename onto the name of another device: the renamed device leaves
 *     the list ({@code dm_dev_insert} EEXIST, ignored).</li>
 * <li>{@code rename-inflight}: rename of a device with I/O in flight: the device is off the
 *     list while it is renamed, and I/O starting in that window fails with EIO.</li>
 * <li>{@code resume-drops}: resume with no inactive table: the active table is switched out
 *     and destroyed, the device maps nothing.</li>
 * <li>{@code label-area}: a table component range covering a disk's label sector.</li>
 * </ul>
 *
 * <p>Checks run on the dictionary as the kernel copies it in, against the kernel's state just
 * before (and, for the handler's outcome, just after) the ioctl; one lint's ioctls are
 * serialised so that the handler outcome read afterwards is this request's.
 */
public final class Lint {
    /** The top-level keys some dm handler reads. */
    static final Set<String> REQUEST_KEYS = Set.of(NetbsdDm.DM_IOCTL_COMMAND, NetbsdDm.DM_IOCTL_VERSION,
            NetbsdDm.DM_IOCTL_FLAGS, NetbsdDm.DM_IOCTL_NAME, NetbsdDm.DM_IOCTL_UUID, NetbsdDm.DM_IOCTL_MINOR,
            NetbsdDm.DM_IOCTL_CMD_DATA);
    /** The keys of a reload {@code cmd_data} entry that dm_table_load_ioctl reads. */
    static final Set<String> ENTRY_KEYS = Set.of(NetbsdDm.DM_TABLE_START, NetbsdDm.DM_TABLE_LENGTH,
            NetbsdDm.DM_TABLE_TYPE, NetbsdDm.DM_TABLE_PARAMS);

    private final Kernel kernel;
    private final PrintStream err;

    public Lint(Kernel kernel, PrintStream err) {
        this.kernel = kernel;
        this.err = err;
    }

    /**
     * {@code ioctl(/dev/mapper/control, cmd, &pref)} with the checks around it; {@code who}
     * names the request in the warnings ({@code item 3}, {@code request 7 from connection 2}).
     */
    public synchronized IoctlResult ioctl(long cmd, byte[] plist, String who) {
        DeviceMapper dm = kernel.deviceMapper();
        PropDictionary req = null;
        if (cmd == NetbsdDm.NETBSD_DM_IOCTL) {
            try {
                req = PropKern.copyinIoctl(cmd, plist, plist.length);
            } catch (PropKern.PropKernException e) {
                req = null; // the ioctl fails visibly: nothing to lint
            }
        }
        List<String> warnings = new ArrayList<>();
        String command = req == null ? null : DmIoctlUtil.cstr(req, NetbsdDm.DM_IOCTL_COMMAND);
        String name = req == null ? null : DmIoctlUtil.cstr(req, NetbsdDm.DM_IOCTL_NAME);
        String label = who + " (" + (command == null ? "no command" : command) + (name == null ? "" : " \"" + name + "\"")
                + ")";
        if (req != null) {
            before(dm, req, command, warnings);
        }
        int logBefore = dm.messages().size();
        IoctlResult r = kernel.ioctl(Kernel.CONTROL, cmd, plist, plist.length);
        if (req != null && r.errno() == 0) {
            after(dm, r, logBefore, warnings);
        }
        for (String w : warnings) {
            err.println("dmemu lint: " + label + " " + w);
        }
        return r;
    }

    private static final String IOCTL_C = "sys/dev/dm/dm_ioctl.c ";

    private void before(DeviceMapper dm, PropDictionary req, String command, List<String> w) {
        for (String k : req.keys()) {
            if (!REQUEST_KEYS.contains(k)) {
                w.add(k + ": no dm handler reads this key; ignored and copied back unchanged in the reply"
                        + " [sys/dev/dm/device-mapper.c dm_cmd_to_fun] (unknown-key)");
            }
        }
        unsigned32(req, NetbsdDm.DM_IOCTL_FLAGS, IOCTL_C + "every handler; DM_ADD_FLAG/DM_REMOVE_FLAG",
                ", and a handler that changes a flag writes it back unsigned (hex)", w);
        unsigned32(req, NetbsdDm.DM_IOCTL_MINOR, IOCTL_C + "the handlers that look a device up", "", w);
        PropObject ver = req.get(NetbsdDm.DM_IOCTL_VERSION);
        if (ver instanceof PropArray a) {
            for (int i = 0; i < Math.min(3, a.count()); i++) {
                number(a.get(i), "version[" + i + "]", 0xffffffffL, "prop_array_get_uint32",
                        "sys/dev/dm/device-mapper.c dm_check_version", ", and the reply writes it back unsigned (hex)", w);
            }
        }
        if ("reload".equals(command) && req.get(NetbsdDm.DM_IOCTL_CMD_DATA) instanceof PropArray entries) {
            for (int i = 0; i < entries.count(); i++) {
                if (entries.get(i) instanceof PropDictionary en) {
                    entry(dm, en, i, w);
                }
            }
        }
        synchronized (dm.lock()) {
            DmIoctlUtil.Request q = DmIoctlUtil.Request.of(req);
            DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
            if ("rename".equals(command) && dev != null && req.get(NetbsdDm.DM_IOCTL_CMD_DATA) instanceof PropArray a) {
                String newName = DmIoctlUtil.cstr(a, 0);
                DmDev other = newName == null ? null : dm.devs().byName(newName);
                if (other != null && other != dev && newName.length() + 1 <= NetbsdDm.DM_NAME_LEN) {
                    w.add("cmd_data[0]: \"" + newName + "\" is the name of another device (minor " + other.minor
                            + "); the renamed device (minor " + dev.minor + ") leaves the device list: dm_dev_insert"
                            + " fails with EEXIST, which is ignored [" + IOCTL_C + "dm_dev_rename_ioctl] (rename-clash)");
                }
            }
            if ("rename".equals(command) && dev != null && dev.tableHead().readerCount() > 0) {
                w.add("name: " + dev.tableHead().readerCount() + " I/O request(s) in flight on this device; while it"
                        + " is renamed it is off the device list, and I/O that starts then fails with EIO (dmstrategy"
                        + " finds no device) [" + IOCTL_C + "dm_dev_rename_ioctl; sys/dev/dm/dm_dev.c dm_dev_rem,"
                        + " dm_dev_insert; sys/dev/dm/device-mapper.c dmstrategy] (rename-inflight)");
            }
            if ("resume".equals(command) && dev != null && dev.tableHead().count(true) == 0
                    && dev.tableHead().count(false) > 0) {
                w.add("flags: no inactive table (DM_INACTIVE_PRESENT_FLAG clear): the tables are switched anyway, the"
                        + " active table of " + dev.tableHead().count(false) + " entries is destroyed and the device"
                        + " maps nothing [" + IOCTL_C + "dm_dev_resume_ioctl, dm_table_switch_tables] (resume-drops)");
            }
        }
    }

    private void entry(DeviceMapper dm, PropDictionary en, int i, List<String> w) {
        String at = "cmd_data[" + i + "].";
        for (String k : en.keys()) {
            if (!ENTRY_KEYS.contains(k)) {
                w.add(at + k + ": dm_table_load_ioctl reads only start, length, type and params; ignored ["
                        + IOCTL_C + "dm_table_load_ioctl] (unknown-key)");
            }
        }
        for (String k : new String[] {NetbsdDm.DM_TABLE_START, NetbsdDm.DM_TABLE_LENGTH}) {
            PropObject o = en.get(k);
            if (o != null) {
                number(o, at + k, -1L, "prop_dictionary_get_uint64", IOCTL_C + "dm_table_load_ioctl", "", w);
            }
        }
        String type = DmIoctlUtil.cstr(en, NetbsdDm.DM_TABLE_TYPE);
        String params = DmIoctlUtil.cstr(en, NetbsdDm.DM_TABLE_PARAMS);
        DmTarget target = type == null ? null : dm.targets().lookup(type);
        if (target != null && params != null) {
            int max = target.maxArgc() == 0 ? NetbsdDm.DM_MAX_ARGC : target.maxArgc();
            int n = params.trim().isEmpty() ? 0 : params.trim().split("[ \t]+").length;
            if (n > max) {
                w.add(at + "params: " + n + " tokens; only the first " + max + " reach " + type + "'s init"
                        + " (DM_MAX_ARGC), tokens " + (max + 1) + "-" + n + " are dropped [" + IOCTL_C
                        + "dm_table_load_ioctl] (argc)");
            }
        }
    }

    private static void unsigned32(PropDictionary req, String key, String source, String rewritten, List<String> w) {
        PropObject o = req.get(key);
        if (o != null) {
            number(o, key, 0xffffffffL, "prop_dictionary_get_uint32", source, rewritten, w);
        }
    }

    /**
     * The signedness rule for one value read with {@code getter}, an unsigned getter whose range
     * is 0..{@code max} (unsigned; -1 = 2^64-1).
     */
    private static void number(PropObject o, String key, long max, String getter, String source, String rewritten,
            List<String> w) {
        String fails = getter + " fails and the kernel keeps its default [" + source + "] (signedness)";
        if (!(o instanceof PropNumber n)) {
            w.add(key + ": a " + o.type().toString().toLowerCase(java.util.Locale.ROOT) + ", not a number: " + fails);
            return;
        }
        if (n.isUnsigned()) {
            return;
        }
        long v = n.signedValue();
        if (v < 0 || (max != -1 && v > max)) {
            w.add(key + ": signed " + v + " is outside the range of the unsigned number the kernel reads: " + fails);
        } else {
            w.add(key + ": signed (decimal) " + v + " where the kernel reads an unsigned number with " + getter
                    + ": accepted as " + v + rewritten
                    + " [" + source + "] (signedness)");
        }
    }

    private void after(DeviceMapper dm, IoctlResult r, int logBefore, List<String> w) {
        Errno herr = dm.lastHandlerErrno();
        if (herr != Errno.NONE) {
            boolean noExists = false;
            try {
                PropDictionary reply = PropKern.internalizeReply(r.out(), r.out().length);
                noExists = (reply.getUint32(NetbsdDm.DM_IOCTL_FLAGS).orElse(0) & NetbsdDm.DM_EXISTS_FLAG) == 0;
            } catch (PropKern.PropKernException e) {
                noExists = false;
            }
            w.add("command: the handler failed with " + herr.name() + " (" + herr.number() + ") but the ioctl returns 0;"
                    + (herr == Errno.ENOENT && noExists ? " the reply shows it only by DM_EXISTS_FLAG missing from flags"
                    : " nothing in the reply shows it") + " [sys/dev/dm/device-mapper.c dmioctl] (handler-error)");
        }
        List<String> log = dm.messages();
        for (int i = logBefore; i < log.size(); i++) {
            String line = log.get(i);
            if (line.startsWith("dm: table entry ")) {
                w.add("cmd_data: " + line.substring("dm: ".length()) + " [dm(4): offset components past the label;"
                        + " sys/kern/subr_disk.c bounds_check_with_label] (label-area)");
            }
        }
    }
}
