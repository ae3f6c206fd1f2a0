package org.dmemu.proplib.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropInternalizer.Mode;

/**
 * Round-trip properties over random trees (every value libprop can read back: empty data is
 * excluded because libprop writes it as {@code <data/>}, which it rejects on input).
 */
class PropRoundTripProperties {

    @Provide
    Arbitrary<PropObject> trees() {
        return PropTrees.libpropTrees();
    }

    @Property(tries = 500)
    void externalizeThenInternalize_isIdentity(@ForAll("trees") PropObject x) throws Exception {
        byte[] xml = PropExternalizer.externalize(x);
        PropObject back = PropInternalizer.internalize(xml, 0, xml.length, Mode.USERLAND);
        assertEquals(x, back);
        assertSameFlags(x, back);
    }

    @Property(tries = 500)
    void externalization_isAFixedPoint(@ForAll("trees") PropObject x) throws Exception {
        byte[] xml = PropExternalizer.externalize(x);
        byte[] again = PropExternalizer.externalize(PropInternalizer.internalize(xml, 0, xml.length, Mode.USERLAND));
        assertArrayEquals(xml, again);
    }

    @Property(tries = 300)
    void kernelCopyin_ofCopyout_isIdentity(@ForAll("trees") PropObject x) throws Exception {
        PropDictionary d = new PropDictionary();
        d.set("x", x);
        byte[] out = PropKern.copyoutIoctl(0xc010fd00L, d);
        assertEquals(d, PropKern.copyinIoctl(0xc010fd00L, out, out.length));
    }

    /**
     * Every prefix of a document, lying at the end of its array without a NUL (where C would find
     * one), parses exactly as the same prefix followed by a NUL, or fails with a
     * PropParseException naming an offset inside the prefix: no other exception, whatever the
     * cut (the scanner never relies on running off the array).
     */
    @Property(tries = 200)
    void prefixAtEndOfArray_parsesAsNulTerminated(@ForAll("trees") PropObject x,
                                                  @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 1000) int cutPerMille)
            throws Exception {
        byte[] xml = PropExternalizer.externalize(x);
        int cut = (int) ((long) xml.length * cutPerMille / 1000);
        byte[] prefix = java.util.Arrays.copyOf(xml, cut);
        byte[] nul = java.util.Arrays.copyOf(xml, cut + 1);
        PropObject a;
        PropObject b;
        try {
            a = PropInternalizer.internalize(prefix, 0, prefix.length, Mode.USERLAND);
        } catch (PropParseException e) {
            a = null;
            assertEquals(true, e.offset() <= cut, e.getMessage());
        }
        try {
            b = PropInternalizer.internalize(nul, 0, nul.length, Mode.USERLAND);
        } catch (PropParseException e) {
            b = null;
        }
        assertEquals(b, a);
    }

    /** equals() lets signed 5 equal unsigned 5; the flag must survive too. */
    private static void assertSameFlags(PropObject a, PropObject b) {
        if (a instanceof PropNumber n) {
            assertEquals(n.isUnsigned(), ((PropNumber) b).isUnsigned());
        } else if (a instanceof PropDictionary d) {
            for (int i = 0; i < d.count(); i++) {
                assertSameFlags(d.valueAt(i), ((PropDictionary) b).valueAt(i));
            }
        } else if (a instanceof org.dmemu.proplib.PropArray arr) {
            for (int i = 0; i < arr.count(); i++) {
                assertSameFlags(arr.get(i), ((org.dmemu.proplib.PropArray) b).get(i));
            }
        }
    }
}
