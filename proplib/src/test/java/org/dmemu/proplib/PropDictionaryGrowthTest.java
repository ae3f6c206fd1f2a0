package org.dmemu.proplib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 6: building a dictionary of n keys must not copy its arrays O(n) times (a
 * growth step of 16 did: 200,000 keys took seconds). Counted, not timed: the number of times the
 * capacity changes while n keys arrive. The time itself is measured by ProplibScaleBench.
 */
class PropDictionaryGrowthTest {
    private static int growths(PropDictionary d, int n, boolean parsedOrder) {
        int changes = 0;
        int cap = d.capacity();
        for (int i = 0; i < n; i++) {
            String k = String.format("k%07d", parsedOrder ? i : n - 1 - i);
            d.setBytes(k.getBytes(), 0, k.length(), PropNumber.unsigned(i));
            if (d.capacity() != cap) {
                changes++;
                cap = d.capacity();
            }
        }
        return changes;
    }

    @Test
    void capacityGrowsGeometrically() {
        for (boolean inOrder : new boolean[] {true, false}) {
            PropDictionary d = new PropDictionary();
            int g = growths(d, 200_000, inOrder);
            assertEquals(200_000, d.count());
            assertTrue(g <= 40, g + " growths for 200,000 keys");
            assertTrue(d.capacity() < 2 * 200_000 + 64, "capacity " + d.capacity());
        }
    }

    @Test
    void parsedDocumentOfManyKeys_isComplete() throws Exception {
        PropDictionary d = new PropDictionary();
        for (int i = 0; i < 50_000; i++) {
            d.setUint32(String.format("k%07d", i), i);
        }
        byte[] text = PropExternalizer.externalize(d);
        PropObject back = PropInternalizer.internalize(text, 0, text.length, PropInternalizer.Mode.USERLAND);
        assertEquals(d, back);
    }
}
