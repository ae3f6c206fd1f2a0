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
