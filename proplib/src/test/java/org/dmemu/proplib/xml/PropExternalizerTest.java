package org.dmemu.proplib.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropData;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;
import org.junit.jupiter.api.Test;

class PropExternalizerTest {
    static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n";

    /** The dm "version" request as libdm builds it (proplib-xml.md §2.5). */
    static PropDictionary versionRequest() {
        PropDictionary d = new PropDictionary();
        d.setString("command", "version");
        PropArray v = new PropArray();
        v.addUint32(4);
        v.addUint32(0);
        v.addUint32(0);
        d.set("version", v);
        d.setUint32("flags", 0);
        d.set("cmd_data", new PropArray());
        return d;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String text(PropObject o) {
        return new String(PropExternalizer.externalize(o), StandardCharsets.ISO_8859_1);
    }

    @Test
    void versionRequest_matchesSpecBytesLengthAndHash() throws Exception {
        byte[] out = PropExternalizer.externalize(versionRequest());
        String expected = HEAD + "<dict>\n"
                + "\t<key>cmd_data</key>\n\t<array/>\n"
                + "\t<key>command</key>\n\t<string>version</string>\n"
                + "\t<key>flags</key>\n\t<integer>0x0</integer>\n"
                + "\t<key>version</key>\n\t<array>\n"
                + "\t\t<integer>0x4</integer>\n\t\t<integer>0x0</integer>\n\t\t<integer>0x0</integer>\n"
                + "\t</array>\n</dict>\n</plist>\n";
        assertEquals(expected, new String(out, StandardCharsets.US_ASCII));
        assertEquals(430, out.length);
        assertEquals("12a4d54c6ff357588128df58dd7c567e47c7ee93566dec613fe0403be15f73cd", sha256(out));
    }

    @Test
    void versionReply_matchesSpecHash() throws Exception {
        PropDictionary d = versionRequest();
        PropArray v = d.getArray("version");
        v.setUint32(0, 4);
        v.setUint32(1, 16);
        v.setUint32(2, 0);
        byte[] out = PropExternalizer.externalize(d);
        assertEquals(431, out.length);
        assertEquals("2341c3a6d73de578789a92fe1ebec62dddd99ddb9b3eb4191761b696d12ed952", sha256(out));
    }

    @Test
    void signedVersionRequest_is422Bytes() {
        PropDictionary d = new PropDictionary();
        d.setString("command", "version");
        PropArray v = new PropArray();
        for (int x : new int[] {4, 0, 0}) {
            v.add(PropNumber.signed(x));
        }
        d.set("version", v);
        d.setInt32("flags", 0);
        d.set("cmd_data", new PropArray());
        assertEquals(422, PropExternalizer.externalize(d).length);
    }

    @Test
    void nulTerminated_addsOneNul() {
        byte[] out = PropExternalizer.externalize(versionRequest(), true);
        assertEquals(431, out.length);
        assertEquals(0, out[430]);
    }

    @Test
    void emptyDictionary_isDictSlash() {
        assertEquals(HEAD + "<dict/>\n</plist>\n", text(new PropDictionary()));
    }

    @Test
    void numbers_signedDecimalUnsignedLowerHex() {
        PropArray a = new PropArray();
        a.add(PropNumber.signed(0));
        a.add(PropNumber.signed(-42));
        a.add(PropNumber.signed(Long.MIN_VALUE));
        a.add(PropNumber.signed(Long.MAX_VALUE));
        a.add(PropNumber.unsigned(0));
        a.add(PropNumber.unsigned(0xABCDEFL));
        a.add(PropNumber.unsigned(-1L));
        assertEquals(HEAD + "<array>\n"
                + "\t<integer>0</integer>\n\t<integer>-42</integer>\n"
                + "\t<integer>-9223372036854775808</integer>\n\t<integer>9223372036854775807</integer>\n"
                + "\t<integer>0x0</integer>\n\t<integer>0xabcdef</integer>\n"
                + "\t<integer>0xffffffffffffffff</integer>\n</array>\n</plist>\n", text(a));
    }

    @Test
    void data_unwrappedBase64WithPadding() {
        PropArray a = new PropArray();
        a.add(PropData.of(new byte[0]));
        a.add(PropData.of(new byte[] {0}));
        a.add(PropData.of(new byte[] {0, 1}));
        a.add(PropData.of(new byte[] {0, 1, 2}));
        a.add(PropData.of(new byte[100]));
        assertEquals(HEAD + "<array>\n\t<data/>\n\t<data>AA==</data>\n\t<data>AAE=</data>\n\t<data>AAEC</data>\n"
                + "\t<data>" + "A".repeat(134) + "==</data>\n</array>\n</plist>\n", text(a));
    }

    @Test
    void strings_escapeOnlyAmpLtGt() {
        PropDictionary d = new PropDictionary();
        d.set("s", PropString.ofBytes(new byte[] {'a', '<', 'b', '>', '&', 'c', '"', 'd', '\'', 'e', 9, 'f', 1, 'g',
                (byte) 0xc3, (byte) 0xa9}));
        d.setString("a&b", "x");
        d.setString("", "");
        byte[] out = PropExternalizer.externalize(d);
        String expected = HEAD + "<dict>\n\t<key></key>\n\t<string/>\n\t<key>a&amp;b</key>\n\t<string>x</string>\n"
                + "\t<key>s</key>\n\t<string>a&lt;b&gt;&amp;c\"d'e\tf\u0001g\u00c3\u00a9</string>\n</dict>\n</plist>\n";
        assertArrayEquals(expected.getBytes(StandardCharsets.ISO_8859_1), out);
    }

    @Test
    void stringsAndKeysWithNul_areWrittenUpToTheNul_asCStrings() {
        PropDictionary d = new PropDictionary();
        d.setBytes(new byte[] {'k', 0, 'x'}, PropString.ofBytes(new byte[] {'a', 0, 'b'}));
        d.setBytes(new byte[] {'z'}, PropString.ofBytes(new byte[] {0, 'b'}));
        assertEquals(HEAD + "<dict>\n\t<key>k</key>\n\t<string>a</string>\n"
                + "\t<key>z</key>\n\t<string/>\n</dict>\n</plist>\n", text(d));
    }
}
