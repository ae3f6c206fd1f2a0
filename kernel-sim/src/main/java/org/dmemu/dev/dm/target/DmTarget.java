package org.dmemu.dev.dm.target;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;
import org.dmemu.sys.Trace;

/**
 * Emulates {@code struct dm_target} (dm.h 1.56): the ops vector of a target type. Optional C hooks
 * ({@code info}, {@code table}, {@code sync}, {@code secsize}) are default methods that behave as
 * if the pointer were NULL.
 *
 * <p>Contract of {@link #strategy}: {@code nb} is the nested buf for this entry (its block number
 * relative to the entry, its data a window of the caller's buffer); when the method returns the
 * I/O is complete and {@code nb.error()}/{@code nb.resid()} hold the outcome. {@code scratch} is a
 * second reusable buf for targets that split further (striped). No exception, no allocation.
 *
 * <p>Two dmemu hooks serve the NBD server's sparseness (issue 15); NetBSD's {@code dm_target}
 * has neither, and NetBSD's dm answers {@code d_discard} with {@code nodiscard} (ENODEV):
 * <ul>
 * <li>{@link #blockStatus}: "what is in these sectors of the entry?" The target appends to
 *     {@code out} extents that cover exactly the {@code count} sectors asked for (fewer only when
 *     {@code out.full()}), with {@link Extents#DATA}, {@link Extents#HOLE},
 *     {@link Extents#ZERO}. A target that cannot tell says DATA (the default): never claim
 *     ZERO for sectors that might read otherwise. A target that maps onto pdevs asks them
 *     ({@link DmPdev#blockStatus}) with the mapped block numbers; a target that transforms
 *     the data (crypt) says DATA for mapped sectors, one with its own map (snapshot: the COW
 *     exceptions; mirror: a region in sync) answers from it. Errors are returned, not thrown:
 *     EINVAL for sectors the target cannot map; the query stops there.</li>
 * <li>{@link #discard}: "these sectors' contents are no longer needed" ({@code d_discard}).
 *     NONE means done <em>and</em> the sectors now read as zeros through this target: the NBD
 *     server's write-zeroes relies on it (dmemu's media guarantee it for their part). ENODEV
 *     when the target cannot discard or cannot promise zeros (the default, as
 *     {@code nodiscard}; crypt: a hole of ciphertext decrypts to garbage, so ENODEV unless it
 *     writes encrypted zeros); another errno on failure (the first error wins; pieces already
 *     discarded stay discarded). A target passes the discard on to its pdevs with mapped block
 *     numbers ({@link DmPdev#discard}); it must not discard data it still needs (snapshot
 *     origin: copy the chunks out first or answer ENODEV; mirror: discard every leg).
 *     Both hooks run without the ioctl lock, under the table reference of the caller, like
 *     {@code strategy}, possibly on several threads at once.</li>
 * </ul>
 *
 * <p>Differences from NetBSD: the two hooks above are dmemu's; no {@code deps}/{@code upcall} hooks (deps come from {@code pdev_maps}, as in NetBSD 10); no per-target reference count.
 */
public interface DmTarget {
    /** {@code name}. */
    String name();

    /** {@code version[3]}. */
    int[] version();

    /**
     * {@code init(table_en, argc, argv)}: parses the params tokens, opens pdevs (recording them
     * with {@code entry.addDeps}) and stores the config in the entry.
     *
     * @throws DmException with EINVAL (bad argument count/values) or ENOENT (pdev not found)
     */
    void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException;

    /** {@code table} hook: the params as the table command reports them, or null (no hook). */
    default String table(DmTableEntry entry) {
        return null;
    }

    /** {@code info} hook: the status string, or null (no hook). */
    default String info(DmTableEntry entry) {
        return null;
    }

    /** {@code strategy(table_en, bp)}. */
    void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth);

    /** {@code sync} hook (DIOCCACHESYNC on the pdevs); none → success. */
    default Errno sync(DmTableEntry entry) {
        return Errno.NONE;
    }

    /** {@code destroy}: drops the pdev references (called even when init failed: config null). */
    default void destroy(DmPdevList pdevs, DmTableEntry entry) {
    }

    /** {@code secsize} hook; none → 0. */
    default int secsize(DmTableEntry entry) {
        return 0;
    }

    /**
     * The params as trace lines and log messages may show them: a target whose params hold a
     * secret (crypt's key) hides it here. Default: unchanged.
     */
    default String redactParams(String params) {
        return params;
    }

    /**
     * {@code message(table_en, msg)} hook (DragonFly dm.h; Linux {@code target_type.message}):
     * handles a {@code message} command for this entry. Only targets that return true from
     * {@link #hasMessage} are asked; the default (no hook) answers EINVAL, as DragonFly's
     * {@code dm_message_ioctl} does for a target without one. Runs under the ioctl lock.
     *
     * <p>Differences from NetBSD: NetBSD has no message hook (dmemu extension).
     */
    default Errno message(DmTableEntry entry, String[] argv, Trace trace, int depth) {
        return Errno.EINVAL;
    }

    /** Whether this target has a {@link #message} hook (registers the {@code message} command). */
    default boolean hasMessage() {
        return false;
    }

    /**
     * {@code presuspend} hook (Linux {@code target_type.presuspend}): called under the ioctl
     * lock on each active entry before the device is suspended, before its active table is
     * replaced by resume, and before remove destroys it. {@code noflush}: DM_NOFLUSH_FLAG was
     * set. Targets that hold I/O back (a queued multipath buf) release it here so that the
     * table switch, which waits for in-flight I/O, cannot wait forever.
     *
     * <p>Differences from NetBSD: NetBSD has no such hook (dmemu extension).
     */
    default void presuspend(DmTableEntry entry, boolean noflush) {
    }

    /**
     * {@code resume} hook (Linux {@code target_type.resume}): called under the ioctl lock on each
     * entry of the table that has just become active.
     *
     * <p>Differences from NetBSD: NetBSD has no such hook (dmemu extension).
     */
    default void resume(DmTableEntry entry) {
    }

    /**
     * Block status of {@code count} sectors from sector {@code blkno} of the entry (relative to
     * the entry's start), appended to {@code out}; see the class comment for the contract.
     * The default: everything is data.
     */
    default Errno blockStatus(DmTableEntry entry, long blkno, long count, Extents out) {
        out.add(count << Buf.DEV_BSHIFT, Extents.DATA);
        return Errno.NONE;
    }

    /**
     * {@code d_discard} of {@code count} sectors from sector {@code blkno} of the entry; see the
     * class comment. The default: ENODEV ({@code nodiscard}).
     */
    default Errno discard(DmTableEntry entry, long blkno, long count) {
        return Errno.ENODEV;
    }

    /**
     * Whether {@code strategy} handles a buf whose data area is a ByteBuffer ({@link Buf#buffer()}),
     * moving bytes only through the disks, {@link Buf#setupSlice}, {@link Buf#zero} and
     * {@link Buf#setByte}. The default, false, is always safe: dmstrategy then hands the target a
     * heap copy of the data area (one more copy per transfer).
     */
    default boolean buffers() {
        return false;
    }

    /** {@code max_argc}: 0 = the default {@value org.dmemu.dev.dm.NetbsdDm#DM_MAX_ARGC}. */
    default int maxArgc() {
        return 0;
    }

    /**
     * {@code atoi64} (device-mapper.c): decimal digits from the start of {@code s}, stopping at
     * the first non-digit, no sign, wrapping modulo 2^64; "abc" → 0, "12abc" → 12, "-5" → 0.
     */
    static long atoi64(String s) {
        long v = 0;
        if (s == null) {
            return 0;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** nestiobuf completion rule: an error, or a short transfer without error (EIO). */
    static Errno outcome(Buf b, int len) {
        Errno e = b.error();
        if (e == Errno.NONE && (b.resid() > 0 || b.bcount() < len)) {
            return Errno.EIO;
        }
        return e;
    }
}
