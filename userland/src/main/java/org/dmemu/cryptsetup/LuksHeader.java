package org.dmemu.cryptsetup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A LUKS1 or LUKS2 header as cryptsetup reads it (LUKS1 on-disk format specification 1.2.3;
 * LUKS2 on-disk format 1.1.x): the data segment (cipher, offset, sector size, IV tweak), the
 * volume key digest and the key slots. Only what opening a volume and luksDump need.
 *
 * <p>Differences from NetBSD: none (no NetBSD counterpart). From cryptsetup: LUKS2's secondary
 * header and header checksums are not verified; only the first data segment and pbkdf2
 * digests are read; keyslots of other types than luks2 are ignored.
 */
record LuksHeader(int version, String uuid, String cipher, int keyBytes, long offsetSectors, long sizeSectors,
                  int sectorSize, long ivTweak, String digestHash, long digestIterations, byte[] digestSalt,
                  byte[] digest, List<Keyslot> keyslots) {
    static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};

    /** One key slot: its KDF, the encrypted anti-forensic area, and the split parameters. */
    record Keyslot(int id, String kdf, String hash, long iterations, int memoryKiB, int cpus, byte[] salt,
                   long areaOffset, String areaCipher, int areaKeyBytes, int stripes, String afHash, int keyBytes) {
    }

    /** Reads the header at the start of {@code file}; IOException for a short file, IllegalArgumentException for no LUKS. */
    static LuksHeader read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        ch.read(b, 0);
        b.flip();
        if (b.remaining() < 592) {
            throw new IllegalArgumentException("not a LUKS device (too short)");
        }
        for (int i = 0; i < 6; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw new IllegalArgumentException("not a LUKS device (no LUKS magic)");
            }
        }
        int version = b.getShort(6) & 0xffff;
        if (version == 1) {
            return luks1(b);
        }
        if (version == 2) {
            return luks2(ch, b);
        }
        throw new IllegalArgumentException("unsupported LUKS version " + version);
    }

    static LuksHeader read(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return read(ch);
        }
    }

    private static String cstr(ByteBuffer b, int off, int len) {
        int n = 0;
        while (n < len && b.get(off + n) != 0) {
            n++;
        }
        byte[] x = new byte[n];
        b.get(off, x);
        return new String(x, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] x = new byte[len];
        b.get(off, x);
        return x;
    }

    private static LuksHeader luks1(ByteBuffer b) {
        String cipher = cstr(b, 8, 32) + "-" + cstr(b, 40, 32);
        String hash = cstr(b, 72, 32);
        long payload = b.getInt(104) & 0xffffffffL;
        int keyBytes = b.getInt(108);
        List<Keyslot> slots = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int o = 208 + 48 * i;
            if (b.getInt(o) != 0x00AC71F3) {
                continue;
            }
            slots.add(new Keyslot(i, "pbkdf2", hash, b.getInt(o + 4) & 0xffffffffL, 0, 0, bytes(b, o + 8, 32),
                    (b.getInt(o + 40) & 0xffffffffL) * 512, cipher, keyBytes, b.getInt(o + 44), hash, keyBytes));
        }
        return new LuksHeader(1, cstr(b, 168, 40), cipher, keyBytes, payload, -1, 512, 0, hash,
                b.getInt(164) & 0xffffffffL, bytes(b, 132, 32), bytes(b, 112, 20), slots);
    }

    private static LuksHeader luks2(FileChannel ch, ByteBuffer b) throws IOException {
        long hdrSize = b.getLong(8);
        if (hdrSize < 16384 || hdrSize > (4 << 20)) {
            throw new IllegalArgumentException("LUKS2 header size " + hdrSize + " out of range");
        }
        String uuid = cstr(b, 168, 40);
        ByteBuffer j = ByteBuffer.allocate((int) hdrSize - 4096);
        ch.read(j, 4096);
        j.flip();
        int n = 0;
        while (n < j.limit() && j.get(n) != 0) {
            n++;
        }
        byte[] js = new byte[n];
        j.get(0, js);
        Map<String, Object> root = LuksJson.obj(LuksJson.parse(new String(js, StandardCharsets.UTF_8)), "root");
        Map<String, Object> segs = LuksJson.obj(root.get("segments"), "segments");
        Map<String, Object> seg = LuksJson.obj(segs.get("0"), "segments.0");
        if (!"crypt".equals(seg.get("type"))) {
            throw new IllegalArgumentException("LUKS2 segment 0 is not a crypt segment");
        }
        String cipher = LuksJson.str(seg, "encryption", "segments.0");
        long offset = LuksJson.num(seg, "offset", "segments.0");
        Object size = seg.get("size");
        long sizeSectors = "dynamic".equals(size) ? -1 : LuksJson.num(seg, "size", "segments.0") / 512;
        int sectorSize = (int) LuksJson.num(seg, "sector_size", "segments.0");
        long ivTweak = LuksJson.num(seg, "iv_tweak", "segments.0");
        Base64.Decoder b64 = Base64.getDecoder();
        Map<String, Object> digests = LuksJson.obj(root.get("digests"), "digests");
        Map<String, Object> dg = null;
        for (Map.Entry<String, Object> e : digests.entrySet()) {
            Map<String, Object> d = LuksJson.obj(e.getValue(), "digests." + e.getKey());
            if ("pbkdf2".equals(d.get("type")) && d.get("segments") instanceof List<?> l && l.contains("0")) {
                dg = d;
                break;
            }
        }
        if (dg == null) {
            throw new IllegalArgumentException("LUKS2: no pbkdf2 digest for segment 0");
        }
        List<Keyslot> slots = new ArrayList<>();
        Map<String, Object> ks = LuksJson.obj(root.get("keyslots"), "keyslots");
        int keyBytes = 0;
        for (Map.Entry<String, Object> e : ks.entrySet()) {
            String path = "keyslots." + e.getKey();
            Map<String, Object> k = LuksJson.obj(e.getValue(), path);
            if (!"luks2".equals(k.get("type"))) {
                continue;
            }
            Map<String, Object> af = LuksJson.obj(k.get("af"), path + ".af");
            Map<String, Object> area = LuksJson.obj(k.get("area"), path + ".area");
            Map<String, Object> kdf = LuksJson.obj(k.get("kdf"), path + ".kdf");
            String type = LuksJson.str(kdf, "type", path + ".kdf");
            boolean pb = type.equals("pbkdf2");
            int kb = (int) LuksJson.num(k, "key_size", path);
            keyBytes = kb;
            slots.add(new Keyslot(Integer.parseInt(e.getKey()), type, pb ? LuksJson.str(kdf, "hash", path) : null,
                    pb ? LuksJson.num(kdf, "iterations", path) : LuksJson.num(kdf, "time", path),
                    pb ? 0 : (int) LuksJson.num(kdf, "memory", path), pb ? 0 : (int) LuksJson.num(kdf, "cpus", path),
                    b64.decode(LuksJson.str(kdf, "salt", path)), LuksJson.num(area, "offset", path + ".area"),
                    LuksJson.str(area, "encryption", path + ".area"), (int) LuksJson.num(area, "key_size", path + ".area"),
                    (int) LuksJson.num(af, "stripes", path + ".af"), LuksJson.str(af, "hash", path + ".af"), kb));
        }
        return new LuksHeader(2, uuid, cipher, keyBytes, offset / 512, sizeSectors, sectorSize, ivTweak,
                LuksJson.str(dg, "hash", "digest"), LuksJson.num(dg, "iterations", "digest"),
                b64.decode(LuksJson.str(dg, "salt", "digest")), b64.decode(LuksJson.str(dg, "digest", "digest")), slots);
    }
}
