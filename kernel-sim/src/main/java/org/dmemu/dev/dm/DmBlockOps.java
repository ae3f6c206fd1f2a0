package org.dmemu.dev.dm;

import org.dmemu.dev.dm.target.DmTarget;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;

/**
 * Discard and block status of a dm device: the active table walked as {@code dmstrategy} walks
 * it for a buf (same bounds check, same split across the entries, same rule for sectors no entry
 * maps), each piece handed to the entry's target ({@link DmTarget#discard},
 * {@link DmTarget#blockStatus}). Used by the NBD server for {@code NBD_CMD_TRIM},
 * {@code NBD_CMD_WRITE_ZEROES} and {@code NBD_CMD_BLOCK_STATUS}.
 *
 * <p>Differences from NetBSD: NetBSD 10's dm has no discard ({@code dm_bdevsw.d_discard =
 * nodiscard}: ENODEV for {@code fdiscard(2)} on a dm node) and no block-status query; both are
 * dmemu extensions, reachable only from {@code dmemu serve} (and turned off there with
 * {@code --no-discard}). The discard mirrors the shape of NetBSD's disk discard
 * ({@code dk_discard} → {@code d_discard}) one level up. Pieces of a discard are issued entry
 * by entry; a failing piece does not undo the earlier ones.
 */
public final class DmBlockOps {
    private DmBlockOps() {
    }

    /**
     * Discards {@code count} sectors from {@code blkno} of {@code dmv}. ENXIO when the device is
     * gone; EINVAL past the end (a range crossing the end is cut there, as dmstrategy cuts a
     * buf) and for sectors no entry maps; otherwise the first error of a target, or NONE.
     */
    public static Errno discard(DmDev dmv, long blkno, long count) {
        if (dmv == null) {
            return Errno.ENXIO;
        }
        DmReaders.Slot reader = dmv.tableHead.freeSlot();
        if (reader == null) {
            return Errno.EIO; // nested deeper than MAX_STACK dm devices (a table cycle)
        }
        DmTable t = dmv.tableHead.acquireActive(reader);
        try {
            if (!dmv.listed) {
                return Errno.ENXIO;
            }
            if (blkno < 0 || blkno > t.size) {
                return Errno.EINVAL;
            }
            long end = blkno + Math.min(count, t.size - blkno);
            Errno err = Errno.NONE;
            long covered = 0;
            for (DmTableEntry en : t.array) {
                long s = Math.max(en.start, blkno);
                long e = Math.min(en.start + en.length, end);
                if (s < e) {
                    Errno r = en.target.discard(en, s - en.start, e - s);
                    if (r != Errno.NONE && err == Errno.NONE) {
                        err = r;
                    }
                    covered += e - s;
                }
            }
            if (err == Errno.NONE && covered < end - blkno) {
                err = Errno.EINVAL;
            }
            return err;
        } finally {
            DmTableHead.release(reader);
        }
    }

    /**
     * The block status of {@code count} sectors from {@code blkno} of {@code dmv}, appended to
     * {@code out} in order. The answer stops early at a sector no entry maps (dmstrategy fails
     * such sectors with EINVAL), at the end of the device, or when {@code out} is full. ENXIO
     * when the device is gone; EINVAL when the very first sector cannot be answered (past the
     * end, or unmapped); a target's error likewise when nothing was answered before it.
     */
    public static Errno blockStatus(DmDev dmv, long blkno, long count, Extents out) {
        if (dmv == null) {
            return Errno.ENXIO;
        }
        DmReaders.Slot reader = dmv.tableHead.freeSlot();
        if (reader == null) {
            return Errno.EIO; // nested deeper than MAX_STACK dm devices (a table cycle)
        }
        DmTable t = dmv.tableHead.acquireActive(reader);
        try {
            if (!dmv.listed) {
                return Errno.ENXIO;
            }
            if (blkno < 0 || blkno >= t.size) {
                return Errno.EINVAL;
            }
            long end = blkno + Math.min(count, t.size - blkno);
            long pos = blkno;
            long before = out.total();
            while (pos < end && !out.full()) {
                DmTableEntry en = entryAt(t, pos);
                if (en == null) {
                    break; // unmapped: dmstrategy's EINVAL
                }
                long e = Math.min(en.start + en.length, end);
                long want = (e - pos) << Buf.DEV_BSHIFT;
                long had = out.total();
                Errno r = en.target.blockStatus(en, pos - en.start, e - pos, out);
                if (r != Errno.NONE) {
                    return out.total() == before ? r : Errno.NONE;
                }
                if (out.total() - had < want) {
                    break; // the target stopped early (out is full)
                }
                pos = e;
            }
            return out.total() == before ? Errno.EINVAL : Errno.NONE;
        } finally {
            DmTableHead.release(reader);
        }
    }

    /**
     * The entry that maps sector {@code pos}: the first in list order whose range holds it
     * (dmstrategy issues a sector to every entry covering it; for overlapping tables the first
     * one stands for the answer), or null.
     */
    private static DmTableEntry entryAt(DmTable t, long pos) {
        for (DmTableEntry en : t.array) {
            if (pos >= en.start && pos - en.start < en.length) {
                return en;
            }
        }
        return null;
    }
}
