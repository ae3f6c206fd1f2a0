package org.dmemu.dev.dm.target.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IEEE 1619-2007 XTS-AES vectors through {@link Xts} over the JDK's AES, and through a whole engine. */
class XtsVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<Map<String, String>> vectors() throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        try (InputStream in = XtsVectorsTest.class.getResourceAsStream("/crypt/ieee1619-xts-aes.txt")) {
            Map<String, String> v = null;
            for (String l : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (l.startsWith("#")) {
                    v = new HashMap<>();
                    v.put("name", l.substring(2));
                    out.add(v);
                } else if (!l.isBlank()) {
                    String[] kv = l.split(" ");
                    v.put(kv[0], kv[1]);
                }
            }
        }
        assertEquals(4, out.size());
        return out;
    }

    @Test
    void ieee1619_vectors_encryptAndDecrypt() throws IOException {
        for (Map<String, String> v : vectors()) {
            byte[] k1 = HEX.parseHex(v.get("key1"));
            byte[] k2 = HEX.parseHex(v.get("key2"));
            byte[] ptx = HEX.parseHex(v.get("ptx"));
            byte[] ctx = HEX.parseHex(v.get("ctx"));
            long sector = Long.parseUnsignedLong(v.get("sector"), 16);
            Xts x = new Xts(new JdkAes(k1, 0, 16), new JdkAes(k2, 0, 16), 4096);
            byte[] iv = new byte[16];
            new CryptIv(CryptIv.Mode.PLAIN64, 16, 16, null).generate(iv, sector, 1, 1);
            byte[] out = new byte[ptx.length];
            x.crypt(true, ptx, 0, out, 0, ptx.length, 1, iv);
            assertEquals(v.get("ctx"), HEX.formatHex(out), v.get("name"));
            new CryptIv(CryptIv.Mode.PLAIN64, 16, 16, null).generate(iv, sector, 1, 1);
            x.crypt(false, out, 0, out, 0, out.length, 1, iv);
            assertArrayEquals(ptx, out, v.get("name"));
            assertNotEquals(HEX.formatHex(ptx), HEX.formatHex(ctx));
        }
    }

    @Test
    void vector4_throughEngine_aesXtsPlain64() throws Exception {
        Map<String, String> v = vectors().get(3);
        byte[] key = HEX.parseHex(v.get("key1") + v.get("key2"));
        CryptEngine e = new CryptEngine(CryptSpec.parse("aes-xts-plain64"), key, 512, false);
        byte[] buf = HEX.parseHex(v.get("ptx"));
        e.crypt(true, buf, 0, buf, 0, 512, 0);
        assertEquals(v.get("ctx"), HEX.formatHex(buf));
        e.crypt(false, buf, 0, buf, 0, 512, 0);
        assertEquals(v.get("ptx"), HEX.formatHex(buf));
    }

    /** The tweak step in longs equals the byte-wise definition (shift left, 0x87 on carry). */
    @Test
    void mulAlpha_matchesBytewise() {
        java.util.Random r = new java.util.Random(1619);
        for (int n = 0; n < 1000; n++) {
            byte[] t = new byte[16];
            r.nextBytes(t);
            if (n < 2) {
                t[15] = (byte) (n == 0 ? 0x80 : 0x7f);
            }
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(t).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long[] l = {bb.getLong(0), bb.getLong(8)};
            Xts.mulAlpha(l);
            int carry = 0;
            byte[] want = new byte[16];
            for (int i = 0; i < 16; i++) {
                int b = t[i] & 0xff;
                want[i] = (byte) ((b << 1) | carry);
                carry = b >>> 7;
            }
            if (carry != 0) {
                want[0] ^= (byte) 0x87;
            }
            java.nio.ByteBuffer wb = java.nio.ByteBuffer.wrap(want).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(wb.getLong(0), l[0]);
            assertEquals(wb.getLong(8), l[1]);
        }
    }
}
