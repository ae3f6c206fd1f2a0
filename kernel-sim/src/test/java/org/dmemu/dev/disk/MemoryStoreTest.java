package org.dmemu.dev.disk;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link MemoryStore} against a plain byte array: random reads and writes inside one chunk
 * (the fast path), across chunk boundaries and over unwritten chunks (the chunk loop) return
 * exactly the bytes the model holds, unwritten bytes reading as zero.
 */
class MemoryStoreTest {
    @Test
    void randomTransfers_matchAByteArrayModel() {
        int size = 6 * 65536 + 1000;
        MemoryStore m = new MemoryStore(size);
        byte[] model = new byte[size];
        Random rnd = new Random(3);
        for (int op = 0; op < 2000; op++) {
            int len = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(600);
                case 1 -> 4096;
                case 2 -> rnd.nextInt(3 * 65536);
                default -> 65536;
            };
            int pos = rnd.nextInt(size - len + 1);
            if (rnd.nextInt(3) == 0) {
                // around a chunk boundary
                int boundary = 65536 * (1 + rnd.nextInt(5));
                pos = Math.max(0, Math.min(size - len, boundary - rnd.nextInt(Math.max(1, len + 1))));
            }
            int off = rnd.nextInt(8);
            byte[] b = new byte[off + len + 8];
            if (op > 200 && rnd.nextBoolean()) {
                rnd.nextBytes(b);
                assertTrue(m.write(pos, b, off, len));
                System.arraycopy(b, off, model, pos, len);
            } else {
                Arrays.fill(b, (byte) 0x5a);
                assertTrue(m.read(pos, b, off, len));
                assertArrayEquals(Arrays.copyOfRange(model, pos, pos + len), Arrays.copyOfRange(b, off, off + len),
                        "read of " + len + " at " + pos);
                for (int i = 0; i < off; i++) {
                    assertEquals((byte) 0x5a, b[i], "byte before the window");
                }
                for (int i = off + len; i < b.length; i++) {
                    assertEquals((byte) 0x5a, b[i], "byte after the window");
                }
            }
        }
    }
}
