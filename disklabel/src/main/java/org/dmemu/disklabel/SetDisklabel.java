package org.dmemu.disklabel;

/**
 * Emulates {@code setdisklabel()} of sys/kern/subr_disklabel.c rev 1.3: the checks the kernel
 * applies before it installs a label given by {@code DIOCSDINFO}/{@code DIOCWDINFO}.
 *
 * <p>Differences from NetBSD: none.
 */
public final class SetDisklabel {
    /** NetBSD errno numbers (sys/errno.h). */
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;

    private SetDisklabel() {
    }

    /**
     * Validates {@code nlp} and, if it passes, replaces {@code olp} with it.
     * <ol>
     *   <li>{@code d_secpercyl == 0}, {@code d_secsize == 0} or {@code d_secsize % 512 != 0} →
     *       EINVAL;</li>
     *   <li>{@code d_magic == 0xFFFFFFFF} → installed verbatim (invalidation), 0;</li>
     *   <li>a magic is not DISKMAGIC, {@code d_npartitions > 16} or the checksum does not
     *       verify → EINVAL;</li>
     *   <li>for every bit of {@code openmask}: index ≥ new d_npartitions → EBUSY; a new unused
     *       entry over a used one keeps the old entry; a moved or shrunk entry → EBUSY;</li>
     *   <li>the checksum is recomputed and the label installed: 0.</li>
     * </ol>
     * {@code nlp} may be modified (kept entries, checksum), as in C.
     *
     * @return 0, {@link #EINVAL} or {@link #EBUSY}
     */
    public static int setdisklabel(Disklabel olp, Disklabel nlp, long openmask) {
        if (nlp.secpercyl == 0 || nlp.secsize == 0 || nlp.secsize % 512 != 0) {
            return EINVAL;
        }
        if (nlp.magic == 0xFFFF_FFFFL) {
            olp.copyFrom(nlp);
            return 0;
        }
        if (nlp.magic != Disklabel.DISKMAGIC || nlp.magic2 != Disklabel.DISKMAGIC
                || nlp.npartitions > Disklabel.MAXPARTITIONS || DisklabelCodec.dkcksum(nlp) != 0) {
            return EINVAL;
        }
        long mask = openmask;
        while (mask != 0) {
            int i = Long.numberOfTrailingZeros(mask);
            mask &= ~(1L << i);
            if (i >= nlp.npartitions) {
                return EBUSY;
            }
            DisklabelPartition opp = olp.partitions[i];
            DisklabelPartition npp = nlp.partitions[i];
            if (npp.fstype() == FsType.UNUSED && opp.fstype() != FsType.UNUSED) {
                nlp.partitions[i] = opp;
                continue;
            }
            if (npp.offset() != opp.offset() || npp.size() < opp.size()) {
                return EBUSY;
            }
        }
        nlp.checksum = 0;
        nlp.checksum = DisklabelCodec.computeChecksum(nlp);
        olp.copyFrom(nlp);
        return 0;
    }
}
