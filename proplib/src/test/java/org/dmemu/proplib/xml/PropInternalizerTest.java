package org.dmemu.proplib.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropInternalizer.Mode;
import org.junit.jupiter.api.Test;

class PropInternalizerTest {
    static PropObject parse(String doc, Mode mode) throws PropParseException {
        byte[] b = doc.getBytes(StandardCharsets.ISO_8859_1);
        return PropInternalizer.internalize(b, 0, b.length, mode);
    }

    @Test
    void versionRequest_roundTrips() throws Exception {
        PropDictionary d = PropExternalizerTest.versionRequest();
        byte[] x = PropExternalizer.externalize(d);
        PropObject back = PropInternalizer.internalize(x, 0, x.length, Mode.KERNEL);
        assertEquals(d, back);
        assertEquals(OptionalLong.of(4), ((PropDictionary) back).getArray("version").getUint32(0));
        assertTrue(((PropNumber) ((PropDictionary) back).get("flags")).isUnsigned());
    }

    @Test
    void stopsAtFirstNul() throws Exception {
        PropDictionary d = PropExternalizerTest.versionRequest();
        byte[] x = PropExternalizer.externalize(d, true);
        byte[] withJunk = new byte[x.length + 5];
        System.arraycopy(x, 0, withJunk, 0, x.length);
        withJunk[x.length] = 'x';
        assertEquals(d, PropInternalizer.internalize(withJunk, 0, withJunk.length, Mode.USERLAND));
        assertThrows(PropParseException.class, () -> parse("<plist><dict>\0</dict></plist>", Mode.USERLAND));
    }

    @Test
    void offsetOfTheProblem_isReported() {
        PropParseException e = assertThrows(PropParseException.class,
                () -> parse("<plist><dict><key>a</key><real>1</real></dict></plist>", Mode.USERLAND));
        assertEquals(25, e.offset());
        assertEquals("unknown element <real> at byte 25", e.getMessage());
    }

    @Test
    void millionNestedArrays_parseWithoutStackOverflow() throws Exception {
        int depth = 1_000_000;
        StringBuilder sb = new StringBuilder(depth * 15 + 20);
        sb.append("<plist>");
        sb.append("<array>".repeat(depth));
        sb.append("</array>".repeat(depth));
        sb.append("</plist>");
        PropObject o = parse(sb.toString(), Mode.USERLAND);
        int n = 0;
        while (o instanceof PropArray a && a.count() > 0) {
            o = a.get(0);
            n++;
        }
        assertEquals(depth - 1, n);
    }

    @Test
    void region_isBounded_evenWhenTheArrayContinues() throws Exception {
        byte[] b = "xx<plist><dict/></plist>".getBytes(StandardCharsets.US_ASCII);
        // the region stops before "ist>": the bytes after it must read as the NUL terminator
        PropParseException e = assertThrows(PropParseException.class,
                () -> PropInternalizer.internalize(b, 2, b.length - 6, Mode.USERLAND));
        assertEquals("unexpected end of document in a tag at byte 18", e.getMessage());
        assertEquals(new PropDictionary(), PropInternalizer.internalize(b, 2, b.length - 2, Mode.USERLAND));
    }

    @Test
    void wholeArray_truncated_givesTheSameAnswerAsAPaddedCopy() {
        byte[] b = "<plist><dict><key>a</key><string>abc".getBytes(StandardCharsets.US_ASCII);
        PropParseException e = assertThrows(PropParseException.class,
                () -> PropInternalizer.internalize(b, 0, b.length, Mode.USERLAND));
        assertEquals("unexpected end of document in text at byte 36", e.getMessage());
    }
}
