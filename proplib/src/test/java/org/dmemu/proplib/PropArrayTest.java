package org.dmemu.proplib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PropArrayTest {
    @Test
    void add_null_fails_set_null_fails() {
        PropArray a = new PropArray();
        assertFalse(a.add(null));
        assertFalse(a.set(0, null));
        assertEquals(0, a.count());
    }

    @Test
    void set_atCountAppends_pastCountFails_getPastEndIsNull() {
        PropArray a = new PropArray();
        assertTrue(a.set(0, PropBool.TRUE));
        assertFalse(a.set(2, PropBool.TRUE));
        assertTrue(a.set(0, PropBool.FALSE));
        assertEquals(1, a.count());
        assertEquals(PropBool.FALSE, a.get(0));
        assertNull(a.get(1));
    }

    @Test
    void immutable_rejectsChanges() {
        PropArray a = new PropArray();
        a.makeImmutable();
        assertFalse(a.add(PropBool.TRUE));
        assertFalse(a.addUint32(1));
    }
}
