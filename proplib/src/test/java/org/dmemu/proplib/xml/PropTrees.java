package org.dmemu.proplib.xml;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropBool;
import org.dmemu.proplib.PropData;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;

/** Random proplib object trees for the property tests. */
final class PropTrees {
    private PropTrees() {
    }

    /**
     * Text bytes libprop can carry through XML: anything but NUL, biased towards the bytes
     * that need escaping or are white space.
     */
    static Arbitrary<byte[]> anyText(int maxLen) {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of((byte) '&', (byte) '<', (byte) '>', (byte) ';', (byte) '"',
                        (byte) '\'', (byte) ' ', (byte) '\t', (byte) '\n', (byte) '\r', (byte) '=', (byte) '/')),
                Tuple.of(5, Arbitraries.bytes().between((byte) 'a', (byte) 'z')),
                Tuple.of(2, Arbitraries.bytes().filter(x -> x != 0)));
        return b.array(byte[].class).ofMaxSize(maxLen);
    }

    /** Every value libprop can write and read back: any number, text without NUL, non-empty data. */
    static Arbitrary<PropObject> libpropTrees() {
        Arbitrary<PropObject> leaf = Arbitraries.oneOf(
                Arbitraries.longs().map(PropNumber::signed),
                Arbitraries.longs().map(PropNumber::unsigned),
                Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE).map(PropNumber::signed),
                anyText(24).map(PropString::ofBytes),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40).map(PropData::of),
                Arbitraries.of(PropBool.TRUE, PropBool.FALSE));
        return trees(leaf, anyText(PropDictionary.MAX_KEY), 4);
    }

    static Arbitrary<PropObject> trees(Arbitrary<PropObject> leaf, Arbitrary<byte[]> keys, int depth) {
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<PropObject> child = Arbitraries.lazy(() -> trees(leaf, keys, depth - 1));
        Arbitrary<PropObject> arrays = child.list().ofMaxSize(5).map(PropTrees::array);
        Arbitrary<PropObject> dicts = Combinators.combine(keys, child).as(Tuple::of).list().ofMaxSize(5)
                .map(PropTrees::dict);
        return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(1, arrays), Tuple.of(2, dicts));
    }

    static PropObject array(List<PropObject> items) {
        PropArray a = new PropArray();
        items.forEach(a::add);
        return a;
    }

    static PropObject dict(List<Tuple.Tuple2<byte[], PropObject>> entries) {
        PropDictionary d = new PropDictionary();
        for (Tuple.Tuple2<byte[], PropObject> e : entries) {
            d.setBytes(e.get1(), e.get2());
        }
        return d;
    }
}
