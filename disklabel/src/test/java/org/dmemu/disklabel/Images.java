package org.dmemu.disklabel;

import java.util.List;

/** Builders of in-memory disk images for the tests. */
final class Images {
    private Images() {
    }

    /** A sealed label with the given geometry-free layout: entries as (size, offset, fstype). */
    static Disklabel label(long secperunit, long[][] parts) {
        Disklabel l = new Disklabel();
        l.type = DkType.ESDI;
        l.setTypename("test disk");
        l.setPackname("unit");
        l.secsize = 512;
        l.nsectors = 63;
        l.ntracks = 16;
        l.secpercyl = 1008;
        l.ncylinders = secperunit / 1008;
        l.secperunit = secperunit;
        l.rpm = 3600;
        l.interleave = 1;
        l.bbsize = 8192;
        l.sbsize = 8192;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                l.partitions[i] = DisklabelPartition.of(parts[i][0], parts[i][1], (int) parts[i][2]);
            }
        }
        l.npartitions = parts.length;
        DisklabelCodec.seal(l);
        return l;
    }

    /** The usual x86 layout on an MBR disk: NetBSD partition at 63, a = 63.., c, d. */
    static Disklabel mbrLayout(long sectors) {
        return label(sectors, new long[][] {
            {sectors - 63, 63, FsType.BSDFFS}, null, {sectors - 63, 63, FsType.UNUSED},
            {sectors, 0, FsType.UNUSED}});
    }

    /** An image of {@code sectors} sectors with an MBR holding {@code parts} (may be empty). */
    static byte[] withMbr(long sectors, List<Mbr.Partition> parts) {
        byte[] img = new byte[(int) (sectors * 512)];
        Mbr.write(parts, img, 0);
        return img;
    }

    /** Writes the encoded label at byte {@code pos}. */
    static void putLabel(byte[] img, long pos, Disklabel l) {
        DisklabelCodec.encode(l, img, (int) pos);
    }

    /** A 4096-sector image: MBR with NetBSD at 63, label at LBA 64. */
    static byte[] standardMbrImage() {
        long n = 4096;
        byte[] img = withMbr(n, List.of(new Mbr.Partition(0x80, Mbr.PTYPE_NETBSD, 63, n - 63)));
        putLabel(img, 64 * 512, mbrLayout(n));
        return img;
    }
}
