package org.dmemu.disklabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class DisklabelCodecPropertyTest {
    @Provide
    Arbitrary<Disklabel> labels() {
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<DisklabelPartition> part = Combinators.combine(u32, u32, u32,
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255), u16)
                .as(DisklabelPartition::new);
        Arbitrary<DisklabelPartition[]> parts = part.array(DisklabelPartition[].class).ofSize(16);
        Arbitrary<byte[]> names = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<long[]> u32s = u32.array(long[].class).ofSize(22);
        Arbitrary<int[]> u16s = u16.array(int[].class).ofSize(9);
        return Combinators.combine(parts, names, u32s, u16s, Arbitraries.integers().between(0, 16))
                .as((ps, nm, ls, is, np) -> {
                    Disklabel l = new Disklabel();
                    System.arraycopy(ps, 0, l.partitions, 0, 16);
                    System.arraycopy(nm, 0, l.typename, 0, 16);
                    System.arraycopy(nm, 16, l.packname, 0, 16);
                    l.magic = ls[0];
                    l.secsize = ls[1];
                    l.nsectors = ls[2];
                    l.ntracks = ls[3];
                    l.ncylinders = ls[4];
                    l.secpercyl = ls[5];
                    l.secperunit = ls[6];
                    l.acylinders = ls[7];
                    l.headswitch = ls[8];
                    l.trkseek = ls[9];
                    l.flags = ls[10];
                    for (int i = 0; i < 5; i++) {
                        l.drivedata[i] = ls[11 + i];
                        l.spare[i] = ls[16 + i];
                    }
                    l.magic2 = ls[21];
                    l.type = is[0];
                    l.subtype = is[1];
                    l.sparespertrack = is[2];
                    l.sparespercyl = is[3];
                    l.rpm = is[4];
                    l.interleave = is[5];
                    l.trackskew = is[6];
                    l.cylskew = is[7];
                    l.checksum = is[8];
                    l.npartitions = np;
                    l.bbsize = ls[1] ^ ls[2];
                    l.sbsize = ls[3] ^ ls[4];
                    return l;
                });
    }

    @Property(tries = 300)
    void encodeDecode_isIdentity(@ForAll("labels") Disklabel l) {
        assertEquals(l, DisklabelCodec.decode(DisklabelCodec.encode(l), 0));
    }

    @Property(tries = 300)
    void decodeEncode_isIdentityOnTheFirst404Bytes(@ForAll("labels") Disklabel l) {
        byte[] b = DisklabelCodec.encode(l);
        byte[] again = DisklabelCodec.encode(DisklabelCodec.decode(b, 0));
        assertEquals(java.util.Arrays.toString(b), java.util.Arrays.toString(again));
    }

    @Property(tries = 300)
    void sealedLabel_verifies(@ForAll("labels") Disklabel l) {
        DisklabelCodec.seal(l);
        byte[] b = DisklabelCodec.encode(l);
        assertEquals(0, DisklabelCodec.dkcksum(b, 0, l.npartitions));
        assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(b, 0));
    }

    @Property(tries = 300)
    void anySingleBitFlipInTheRegion_breaksTheLabel(@ForAll("labels") Disklabel l,
                                                    @ForAll @IntRange(min = 0, max = 403) int pos,
                                                    @ForAll @IntRange(min = 0, max = 7) int bit) {
        DisklabelCodec.seal(l);
        byte[] b = DisklabelCodec.encode(l);
        int region = 148 + 16 * l.npartitions;
        b[pos] ^= (byte) (1 << bit);
        if (pos == 138 || pos == 139) {
            // d_npartitions itself: the region changes size, so a flip is not always caught
            return;
        }
        if (pos < region) {
            assertNotEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(b, 0));
        } else {
            assertEquals(DisklabelCodec.Check.OK, DisklabelCodec.check(b, 0));
        }
    }

    @Property(tries = 300)
    void checksumOfByteSwappedWords_isByteSwapped(@ForAll("labels") Disklabel l) {
        byte[] b = DisklabelCodec.encode(l);
        int region = 148 + 16 * l.npartitions;
        byte[] s = b.clone();
        for (int i = 0; i < region; i += 2) {
            s[i] = b[i + 1];
            s[i + 1] = b[i];
        }
        int x = DisklabelCodec.dkcksum(b, 0, l.npartitions);
        int y = DisklabelCodec.dkcksum(s, 0, l.npartitions);
        assertEquals(((x & 0xFF) << 8) | (x >>> 8), y);
    }
}
