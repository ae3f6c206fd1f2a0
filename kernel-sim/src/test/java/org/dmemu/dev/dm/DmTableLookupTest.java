package org.dmemu.dev.dm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link DmTable#firstEndingAfter(DmReaders.Slot, long)}: the per-thread hint never changes the
 * answer of the plain binary search, whatever the hint was left at (another table, a far
 * block, past the end), with zero-length entries and holes in the table.
 */
class DmTableLookupTest {
    /** A sorted, disjoint table of {@code n} entries with random holes and zero lengths. */
    private static DmTable table(Random rnd, int n) {
        DmTable t = new DmTable();
        long start = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            long len = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(20);
            t.entries.add(new DmTableEntry(start, len, null, null));
            start += len + (rnd.nextBoolean() ? 0 : rnd.nextInt(3));
        }
        t.freeze();
        assertTrue(t.fast);
        return t;
    }

    /** The first index whose end is greater than {@code blkno}, by a linear scan. */
    private static int expected(DmTable t, long blkno) {
        int i = 0;
        while (i < t.ends.length && t.ends[i] <= blkno) {
            i++;
        }
        return i;
    }

    @Test
    void hintedLookup_equalsLinearScan_forRandomTablesAndHints() {
        Random rnd = new Random(42);
        DmReaders.Slot r = new DmReaders().free();
        for (int round = 0; round < 300; round++) {
            DmTable t = table(rnd, 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 200));
            long end = t.ends[t.ends.length - 1];
            for (int q = 0; q < 200; q++) {
                switch (rnd.nextInt(4)) {
                    case 0 -> r.hint = rnd.nextInt(t.ends.length + 300); // stale, maybe past the end
                    case 1 -> r.hint = 0;
                    default -> { } // keep the previous answer (the sequential case)
                }
                long blkno = rnd.nextInt(3) == 0 ? rnd.nextInt((int) end + 10) : (q + round) % (end + 3);
                int want = expected(t, blkno);
                assertEquals(want, t.firstEndingAfter(blkno), "binary search, blkno " + blkno);
                assertEquals(want, t.firstEndingAfter(r, blkno), "hinted, blkno " + blkno);
            }
        }
    }

    @Test
    void sequentialReads_moveTheHintAlong() {
        Random rnd = new Random(7);
        DmTable t = table(rnd, 1000);
        DmReaders.Slot r = new DmReaders().free();
        for (long b = 0; b < t.ends[t.ends.length - 1] + 2; b++) {
            assertEquals(expected(t, b), t.firstEndingAfter(r, b), "blkno " + b);
        }
        assertEquals(t.ends.length, r.hint, "past the end: the hint is the entry count");
    }
}
