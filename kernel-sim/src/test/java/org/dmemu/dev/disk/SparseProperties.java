package org.dmemu.dev.disk;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;

import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Sparseness math as properties against simple models: {@link MemoryStore}'s holes after random
 * writes and discards equal a per-chunk "ever written and not dropped" model, its bytes equal a
 * byte-array model; {@link Extents#clip} equals cutting the expanded byte-by-byte answer.
 */
class SparseProperties {
    private static final int CHUNK = 65536;
    private static final int CHUNKS = 24;

    @Property(tries = 200)
    void memoryStore_holesAndBytesMatchTheModel(@ForAll("ops") long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int size = CHUNKS * CHUNK;
        MemoryStore m = new MemoryStore(size);
        byte[] model = new byte[size];
        boolean[] allocated = new boolean[CHUNKS];
        for (int op = 0; op < 30; op++) {
            int pos = rnd.nextInt(size);
            int len = 1 + rnd.nextInt(Math.min(size - pos, 3 * CHUNK));
            if (rnd.nextBoolean()) {
                byte[] b = new byte[len];
                Arrays.fill(b, (byte) (1 + rnd.nextInt(200)));
                m.write(pos, b, 0, len);
                System.arraycopy(b, 0, model, pos, len);
                for (int c = pos / CHUNK; c <= (pos + len - 1) / CHUNK; c++) {
                    allocated[c] = true;
                }
            } else {
                assertEquals(Errno.NONE, m.discard(pos, len));
                Arrays.fill(model, pos, pos + len, (byte) 0);
                for (int c = 0; c < CHUNKS; c++) {
                    if (pos <= c * CHUNK && (c + 1) * CHUNK <= pos + len) {
                        allocated[c] = false;
                    }
                }
            }
        }
        byte[] back = new byte[size];
        m.read(0, back, 0, size);
        assertArrayEquals(model, back);
        for (int p = 0; p < size; p += 4099) {
            assertEquals(expectNext(allocated, p, true), m.nextData(p), "nextData " + p);
            assertEquals(expectNext(allocated, p, false), m.nextHole(p), "nextHole " + p);
        }
        for (int c = 0; c < CHUNKS; c++) {
            if (!allocated[c]) {
                for (int i = c * CHUNK; i < (c + 1) * CHUNK; i++) {
                    assertEquals(0, back[i], "a hole reads as zeros");
                }
            }
        }
    }

    private static long expectNext(boolean[] allocated, int p, boolean data) {
        for (int c = p / CHUNK; c < CHUNKS; c++) {
            if (allocated[c] == data) {
                return Math.max(p, (long) c * CHUNK);
            }
        }
        return (long) CHUNKS * CHUNK;
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> ops() {
        return net.jqwik.api.Arbitraries.longs();
    }

    @Property(tries = 300)
    void extentsClip_equalsCuttingTheExpandedAnswer(@ForAll @IntRange(min = 1, max = 6) int n,
            @ForAll @LongRange(min = 0, max = 5000) long head, @ForAll @LongRange(min = 0, max = 5000) long max,
            @ForAll("ops") long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        Extents e = new Extents(100);
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int len = 1 + rnd.nextInt(1500);
            int f = rnd.nextInt(4);
            e.add(len, f);
            bytes.append(String.valueOf((char) ('0' + f)).repeat(len));
        }
        String want = bytes.substring((int) Math.min(head, bytes.length()),
                (int) Math.min(bytes.length(), Math.min(head, bytes.length()) + max));
        e.clip(head, max);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < e.count(); i++) {
            got.append(String.valueOf((char) ('0' + e.flags(i))).repeat((int) e.length(i)));
            if (i > 0) {
                assertNotEquals(e.flags(i - 1), e.flags(i), "adjacent extents differ");
            }
        }
        assertEquals(want, got.toString());
        assertEquals(want.length(), e.total());
    }
}
