package org.dmemu.proplib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PropDictionaryTest {

    @Test
    void keys_areKeptInUnsignedByteOrder() {
        PropDictionary d = new PropDictionary();
        d.setString("version", "x");
        d.setString("command", "x");
        d.setString("Z", "x");
        d.setString("\u00e9", "x"); // 0xC3 0xA9: after every ASCII key
        d.setString("", "x");
        assertEquals(List.of("", "Z", "command", "version", "\u00e9"), d.keys());
    }

    @Test
    void set_existingKey_replacesInPlace() {
        PropDictionary d = new PropDictionary();
        d.setUint32("flags", 1);
        d.setString("name", "a");
        d.setUint32("flags", 4);
        assertEquals(2, d.count());
        assertEquals(OptionalLong.of(4), d.getUint32("flags"));
    }

    @Test
    void set_keyOf129Bytes_fails_keyOf128Succeeds() {
        PropDictionary d = new PropDictionary();
        assertTrue(d.setBool("k".repeat(128), true));
        assertFalse(d.setBool("k".repeat(129), true));
        assertEquals(1, d.count());
    }

    @Test
    void immutable_refusesSetAndRemove() {
        PropDictionary d = new PropDictionary();
        d.setBool("a", true);
        d.makeImmutable();
        assertFalse(d.setBool("b", true));
        d.remove("a");
        assertEquals(1, d.count());
    }

    @Test
    void getUint32_followsNetbsd10RangeRules() {
        PropDictionary d = new PropDictionary();
        d.set("neg", PropNumber.signed(-1));
        d.set("big", PropNumber.signed(4294967295L));
        d.set("over", PropNumber.unsigned(4294967296L));
        d.set("str", PropString.of("5"));
        assertEquals(OptionalLong.empty(), d.getUint32("neg"));
        assertEquals(OptionalLong.of(4294967295L), d.getUint32("big"));
        assertEquals(OptionalLong.empty(), d.getUint32("over"));
        assertEquals(OptionalLong.empty(), d.getUint32("str"));
        assertEquals(OptionalLong.empty(), d.getUint32("missing"));
        assertTrue(d.getInt32("big").isEmpty());
        assertEquals(-1, d.getInt32("neg").getAsInt());
    }

    @Test
    void getUint64_of_unsignedTopBit_succeeds_getInt64_fails() {
        PropDictionary d = new PropDictionary();
        d.set("n", PropNumber.unsigned(0x8000_0000_0000_0000L));
        assertEquals(OptionalLong.of(0x8000_0000_0000_0000L), d.getUint64("n"));
        assertTrue(d.getInt64("n").isEmpty());
    }

    @Test
    void numbers_ofDifferentFlags_areEqualOnlyInCommonRange() {
        assertEquals(PropNumber.signed(5), PropNumber.unsigned(5));
        assertFalse(PropNumber.signed(-1).equals(PropNumber.unsigned(-1L)));
        assertEquals("0xffffffffffffffff", PropNumber.unsigned(-1L).toString());
        assertEquals("-1", PropNumber.signed(-1).toString());
    }

    @Test
    void remove_dropsEntry_getString_nullForOtherTypes() {
        PropDictionary d = new PropDictionary();
        d.setString("name", "test0");
        d.setUint32("minor", 1);
        d.remove("minor");
        assertNull(d.get("minor"));
        assertEquals("test0", d.getString("name"));
        assertNull(d.getString("nothing"));
        assertTrue(((PropString) d.get("name")).equalsString("test0"));
        assertEquals("test0", new String(((PropString) d.get("name")).bytes(), StandardCharsets.UTF_8));
    }
}
