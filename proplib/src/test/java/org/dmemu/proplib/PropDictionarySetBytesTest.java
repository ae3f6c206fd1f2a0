package org.dmemu.proplib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The range setter and the no-copy accessors added for the XML codec. */
class PropDictionarySetBytesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void setBytesRange_sortsAnyInsertionOrder_andReplaces() {
        PropDictionary d = new PropDictionary();
        byte[] src = b("xxversionxcommandxflagsxcmd_data\u00e9");
        assertTrue(d.setBytes(src, 2, 7, PropBool.TRUE)); // version
        assertTrue(d.setBytes(src, 10, 7, PropBool.TRUE)); // command
        assertTrue(d.setBytes(src, 24, 8, PropBool.TRUE)); // cmd_data
        assertTrue(d.setBytes(src, 32, 1, PropBool.TRUE)); // 0xE9 sorts after ASCII
        assertTrue(d.setBytes(src, 18, 5, PropBool.TRUE)); // flags
        assertTrue(d.setBytes(src, 10, 7, PropBool.FALSE)); // command again: replaced
        assertEquals(List.of("cmd_data", "command", "flags", "version", "\ufffd"), d.keys());
        assertEquals(PropBool.FALSE, d.get("command"));
        assertEquals(5, d.count());
    }

    @Test
    void setBytesRange_prefixSortsFirst_andKeyLimit() {
        PropDictionary d = new PropDictionary();
        byte[] src = b("abc");
        d.setBytes(src, 0, 3, PropBool.TRUE);
        d.setBytes(src, 0, 2, PropBool.TRUE);
        d.setBytes(src, 0, 0, PropBool.TRUE);
        assertEquals(List.of("", "ab", "abc"), d.keys());
        byte[] big = new byte[200];
        assertTrue(d.setBytes(big, 0, 128, PropBool.TRUE));
        assertFalse(d.setBytes(big, 0, 129, PropBool.TRUE));
    }

    @Test
    void keyAccessors_readWithoutCopy() {
        PropDictionary d = new PropDictionary();
        d.setString("ab", "x");
        assertEquals(2, d.keyLengthAt(0));
        assertEquals('b', d.keyByteAt(0, 1));
        PropData data = PropData.of(new byte[] {7, 8});
        assertEquals(8, data.byteAt(1));
    }

    @Test
    void smallNumbers_areShared_butEqualityIsByValue() {
        assertTrue(PropNumber.unsigned(4) == PropNumber.unsigned(4));
        assertEquals(PropNumber.signed(4), PropNumber.unsigned(4));
        assertEquals(PropNumber.signed(1000), PropNumber.signed(1000));
        assertFalse(PropNumber.signed(4).isUnsigned());
        assertTrue(PropNumber.unsigned(4).isUnsigned());
    }
}
