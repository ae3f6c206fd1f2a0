package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DisklabelCodecTest {
    @Test
    void encode_layoutOffsetsAreLittleEndianX86() {
        Disklabel l = Images.mbrLayout(4096);
        byte[] b = DisklabelCodec.encode(l);
        assertEquals(408, b.length);
        assertArrayEquals(new byte[] {0x57, 0x45, 0x56, (byte) 0x82}, slice(b, 0, 4));
        assertArrayEquals(new byte[] {0x57, 0x45, 0x56, (byte) 0x82}, slice(b, 132, 4));
        assertArrayEquals(new byte[] {5, 0}, slice(b, 4, 2)); // d_type ESDI
        assertArrayEquals(new byte[] {0, 2, 0, 0}, slice(b, 40, 4)); // d_secsize 512
        assertArrayEquals(new byte[] {0, 0x10, 0, 0}, slice(b, 60, 4)); // d_secperunit 4096
        assertArrayEquals(new byte[] {4, 0}, slice(b, 138, 2)); // d_npartitions
        assertArrayEquals(new byte[] {0, 0x20, 0, 0}, slice(b, 140, 4)); // d_bbsize 8192
        // a: size 4033, offset 63, fstype 7
        assertArrayEquals(new byte[] {(byte) 0xC1, 0x0F, 0, 0, 63, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0},
                slice(b, 148, 16));
        // d (index 3): size 4096 offset 0
        assertArrayEquals(new byte[] {0, 0x10, 0, 0, 0, 0, 0, 0}, slice(b, 148 + 48, 8));
        assertEquals(0, DisklabelCodec.dkcksum(b, 0, 4));
        assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(b, 0));
    }

    @Test
    void dkcksum_isXorOfLittleEndianWords() {
        byte[] b = new byte[408];
        b[0] = 0x34;
        b[1] = 0x12;
        b[2] = 0x01;
        b[148] = (byte) 0xFF; // inside entry 0: counted only when npartitions >= 1
        assertEquals(0x1235, DisklabelCodec.dkcksum(b, 0, 0));
        assertEquals(0x1235 ^ 0x00FF, DisklabelCodec.dkcksum(b, 0, 1));
    }

    @Test
    void check_badSecondMagic() {
        byte[] b = DisklabelCodec.encode(Images.mbrLayout(4096));
        b[132] = 0;
        assertEquals(DisklabelCodec.Check.BAD_MAGIC2, DisklabelCodec.check(b, 0));
    }

    @Test
    void check_seventeenPartitions_rejectedBeforeChecksum() {
        Disklabel l = Images.mbrLayout(4096);
        byte[] b = new byte[512];
        DisklabelCodec.encode(l, b, 0);
        b[138] = 17;
        // even with a checksum that verifies over 17 entries the label is refused
        b[136] = 0;
        b[137] = 0;
        int x = DisklabelCodec.dkcksum(b, 0, 17);
        DisklabelCodec.put16(b, 136, x);
        assertEquals(0, DisklabelCodec.dkcksum(b, 0, 17));
        assertEquals(DisklabelCodec.Check.TOO_MANY_PARTITIONS, DisklabelCodec.check(b, 0));
    }

    @Test
    void check_badChecksum() {
        byte[] b = DisklabelCodec.encode(Images.mbrLayout(4096));
        b[148] ^= 1;
        assertEquals(DisklabelCodec.Check.BAD_CHECKSUM, DisklabelCodec.check(b, 0));
    }

    @Test
    void check_flagsAreOpaque_utilLinuxDosBitAccepted() {
        Disklabel l = Images.mbrLayout(4096);
        l.flags = 0x20;
        DisklabelCodec.seal(l);
        assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(DisklabelCodec.encode(l), 0));
    }

    @Test
    void check_deletedAndByteswapped() {
        byte[] b = DisklabelCodec.encode(Images.mbrLayout(4096));
        DisklabelCodec.put32(b, 0, 0x7DA9BAA8L);
        DisklabelCodec.put32(b, 132, 0x7DA9BAA8L);
        assertEquals(DisklabelCodec.Check.DELETED, DisklabelCodec.check(b, 0));
        DisklabelCodec.put32(b, 0, 0x57455682L);
        DisklabelCodec.put32(b, 132, 0x57455682L);
        assertEquals(DisklabelCodec.Check.BYTESWAPPED, DisklabelCodec.check(b, 0));
    }

    @Test
    void decode_unknownFstypePreserved() {
        Disklabel l = Images.mbrLayout(4096);
        l.partitions[4] = DisklabelPartition.of(10, 100, 200);
        l.npartitions = 5;
        DisklabelCodec.seal(l);
        Disklabel d = DisklabelCodec.decode(DisklabelCodec.encode(l), 0);
        assertEquals(200, d.partitions[4].fstype());
        assertEquals(l, d);
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }
}
