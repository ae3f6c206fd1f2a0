package org.dmemu.dev.dm;

import org.dmemu.dev.disk.Disk;
import org.dmemu.dev.dm.target.DmTargetLinear;
import org.dmemu.dev.dm.target.DmTargetStripe;

/**
 * The dm(4) manual's component-offset rule, checked when a table is loaded: a {@code linear}
 * or {@code striped} entry whose range on a component covers the label sector of the
 * component's disk (the sector {@code bounds_check_with_label} write-protects:
 * {@code d_partitions[2].p_offset + LABELSECTOR}, LBA 64 on a disk whose NetBSD MBR partition
 * starts at 63, LBA 1 on a bare disk) is reported.
 *
 * <p>Through a non-raw component partition, writes that reach that sector later fail with
 * EROFS (unless DIOCWLABEL); through the raw partition they silently overwrite the label.
 *
 * <p>Differences from NetBSD: NetBSD checks nothing at load time; this report (trace + kernel
 * log line) and the refusal under {@code KernelConfig.strictOffsets} are emulator features.
 */
public final class DmLabelAreaCheck {
    private DmLabelAreaCheck() {
    }

    /**
     * The report for entry {@code index} of a table being loaded, or null if none of its
     * component ranges covers a label sector. Entries of other targets are not checked.
     */
    public static String check(DmTableEntry en, int index) {
        Object cfg = en.config();
        if (cfg instanceof DmTargetLinear.Config c) {
            return covers(en, index, c.pdev(), c.offset(), en.length);
        }
        if (cfg instanceof DmTargetStripe.Config c && c.count() > 0) {
            long per = ceilDiv(en.length, (long) c.count());
            if (c.chunk() > 0) {
                per = ceilDiv(per, c.chunk()) * c.chunk();
            }
            for (int i = 0; i < c.count(); i++) {
                String r = covers(en, index, c.pdevs()[i], c.offsets()[i], per);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private static String covers(DmTableEntry en, int index, DmPdev p, long offset, long len) {
        Disk d = p.disk;
        if (d == null) {
            return null; // a stacked dm device has no label
        }
        long ls = d.labelSector();
        if (ls < 0 || len <= 0) {
            return null;
        }
        long poff = p.part == Disk.RAW_PART ? 0 : d.partitionOffset(p.part);
        long first = poff + offset;
        long last = first + len - 1;
        if (first > ls || last < ls || offset < 0) {
            return null;
        }
        boolean raw = p.part == Disk.RAW_PART;
        return "dm: table entry " + index + " (" + en + "): component " + p.name + " sectors "
                + Long.toUnsignedString(offset) + "-" + Long.toUnsignedString(offset + len - 1)
                + " = " + d.name() + " sectors " + first + "-" + last + " cover the disklabel sector "
                + ls + " of " + d.name() + (raw
                ? "; writes there will overwrite the label (raw partition)"
                : "; writes there will fail with EROFS unless DIOCWLABEL")
                + " (dm(4): offset components past the label)";
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}
