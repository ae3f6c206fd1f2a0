package org.dmemu.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void numbers_areNetbsds() {
        assertEquals(5, Errno.EIO.number());
        assertEquals(7, Errno.E2BIG.number());
        assertEquals(16, Errno.EBUSY.number());
        assertEquals(22, Errno.EINVAL.number());
        assertEquals(25, Errno.ENOTTY.number());
        assertEquals(30, Errno.EROFS.number());
        assertEquals(86, Errno.ENOTSUP.number());
    }

    @Test
    void of_roundTrips_andUnknownIsNull() {
        for (Errno e : Errno.values()) {
            assertEquals(e, Errno.of(e.number()));
        }
        assertNull(Errno.of(8));
        assertNull(Errno.of(-1));
        assertEquals("errno 5 EIO", Errno.EIO.describe());
    }
}
