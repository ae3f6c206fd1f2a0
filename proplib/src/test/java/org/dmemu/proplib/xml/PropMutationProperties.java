package org.dmemu.proplib.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropInternalizer.Mode;

/**
 * Random edits of valid documents. Whatever the bytes: only PropParseException escapes; the
 * three ways of passing the same document (whole array, parsed in place; a bounded region of a
 * larger array with junk after it; NUL-terminated) give the same result or the same message;
 * and anything accepted re-externalizes to a fixed point.
 */
class PropMutationProperties {
    private static final byte[] ALPHABET = "<>/!-=\"' \t\n\r&;#x0123456789abcdefgiklnprstuvyADEFIKLPSTX?".getBytes();

    record Edit(int kind, int at, byte b) {
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 100_000),
                Arbitraries.integers().between(0, ALPHABET.length - 1).map(i -> ALPHABET[i])).as(Edit::new);
        Arbitrary<byte[]> base = PropTrees.libpropTrees().map(PropExternalizer::externalize);
        return Combinators.combine(base, edit.list().ofMinSize(1).ofMaxSize(4)).as(PropMutationProperties::apply);
    }

    static byte[] apply(byte[] doc, List<Edit> edits) {
        byte[] d = doc;
        for (Edit e : edits) {
            int at = e.at() % (d.length + 1);
            switch (e.kind()) {
                case 0 -> { // replace
                    if (at < d.length) {
                        d = d.clone();
                        d[at] = e.b();
                    }
                }
                case 1 -> { // insert
                    byte[] n = new byte[d.length + 1];
                    System.arraycopy(d, 0, n, 0, at);
                    n[at] = e.b();
                    System.arraycopy(d, at, n, at + 1, d.length - at);
                    d = n;
                }
                case 2 -> { // delete
                    if (at < d.length) {
                        byte[] n = new byte[d.length - 1];
                        System.arraycopy(d, 0, n, 0, at);
                        System.arraycopy(d, at + 1, n, at, d.length - at - 1);
                        d = n;
                    }
                }
                default -> d = Arrays.copyOf(d, at); // truncate
            }
        }
        return d;
    }

    private static String outcome(byte[] buf, int off, int len, Mode mode) {
        try {
            PropObject o = PropInternalizer.internalize(buf, off, len, mode);
            byte[] x = PropExternalizer.externalize(o);
            return "ok:" + new String(x, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (PropParseException e) {
            return "error:" + e.getMessage();
        }
    }

    @Property(tries = 1000)
    void anyBytes_onlyParseErrors_andAllInputPathsAgree(@ForAll("mutated") byte[] doc) throws Exception {
        for (Mode mode : Mode.values()) {
            String whole = outcome(doc, 0, doc.length, mode);
            byte[] framed = new byte[doc.length + 12];
            System.arraycopy(doc, 0, framed, 3, doc.length);
            byte[] tail = "</plist>\0xyz".getBytes();
            System.arraycopy(tail, 0, framed, 3 + doc.length, 9);
            assertEquals(whole, outcome(framed, 3, doc.length, mode), "region");
            byte[] nul = Arrays.copyOf(doc, doc.length + 1);
            String terminated = outcome(nul, 0, nul.length, mode);
            // A NUL inside the document ends it: same text, same answer.
            assertEquals(whole, terminated, "NUL-terminated");
            if (whole.startsWith("ok:")) {
                byte[] x = whole.substring(3).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!whole.contains("<data/>")) { // libprop cannot read its own <data/>
                    String again = outcome(x, 0, x.length, mode);
                    assertArrayEquals(x, again.substring(3).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
    }
}
