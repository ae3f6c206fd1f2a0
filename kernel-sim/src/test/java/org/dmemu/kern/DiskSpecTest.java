package org.dmemu.kern;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DiskSpecTest {
    @Test
    void parse_valid() {
        assertEquals(new DiskSpec("wd1", "mem:64M", 512), DiskSpec.parse("wd1=mem:64M"));
        assertEquals(new DiskSpec("sd0", "mem:100s", 4096), DiskSpec.parse("sd0=mem:100s,secsize=4096"));
        assertEquals(new DiskSpec("vnd12", "file:/tmp/a,b.img", 512), DiskSpec.parse("vnd12=file:/tmp/a,b.img"));
        assertEquals(1L << 30, DiskSpec.parseSize("1G"));
        assertEquals(51200, DiskSpec.parseSize("100s"));
        assertEquals(2048, DiskSpec.parseSize("2K"));
    }

    @Test
    void parse_invalid_oneLineMessages() {
        for (String s : new String[] {"wd1", "xd0=mem:1M", "wd01=mem:1M", "wd0=mem:", "wd0=mem:1T", "wd0=mem:0",
                "wd0=disk:1", "wd0=file:", "wd0=mem:1M,secsize=1000", "wd0=mem:1M,secsize=x", "wd0=mem:100"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiskSpec.parse(s), s);
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
