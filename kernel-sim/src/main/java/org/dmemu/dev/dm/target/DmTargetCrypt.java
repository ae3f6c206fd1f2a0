package org.dmemu.dev.dm.target;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dmemu.dev.dm.DmPdev;
import org.dmemu.dev.dm.DmPdevList;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.dev.dm.target.crypt.CryptEngine;
import org.dmemu.dev.dm.target.crypt.CryptSpec;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;

/**
 * The {@code crypt} target with Linux's table syntax (drivers/md/dm-crypt.c, target version
 * 1.19.0, which DragonFly's dm_target_crypt.c also reads):
 * {@code crypt CIPHER KEY IV_OFFSET DEVICE OFFSET [#OPT OPT…]}. Not part of NetBSD (which has
 * cgd); present only when {@code --targets crypt} names it. Hooks: table, info, sync, secsize.
 *
 * <p>Ciphers, chain modes and IV generators live in {@code org.dmemu.dev.dm.target.crypt}.
 * Options: {@code allow_discards}, {@code same_cpu_crypt}, {@code submit_from_crypt_cpus}
 * (accepted, reported, no effect: I/O is synchronous), {@code sector_size:N} (512–4096, a
 * power of two), {@code iv_large_sectors}. Reads decrypt in place after the lower read; writes
 * encrypt into a per-thread bounce buffer (never into the caller's data) and write that. A
 * transfer not aligned to the sector size fails with EIO, as Linux kills such a bio.
 *
 * <p>The key is held in one byte array, zeroed by {@link #destroy}, with the per-thread key
 * schedules re-keyed with zeros. It is never in a trace line or error message; the table hook
 * returns it in hex, as Linux's status does (dmsetup hides it unless {@code --showkeys}).
 *
 * <p>Differences from NetBSD: the whole target (NetBSD has no dm crypt). Differences from Linux:
 * a key in the kernel keyring ({@code :32:logon:desc}) is refused (no keyring); a hex key of odd
 * length is refused (Linux ignores the last digit); {@code integrity:}, AEAD modes and the lmk,
 * tcw, eboiv and random IVs are refused; a lower-device error leaves the ciphertext read so far
 * in the buffer (Linux completes the bio with the error and no data).
 */
public final class DmTargetCrypt implements DmTarget {
    private static final int MAX_FEATURES = 6;

    /** {@code crypt_config}: what the table hook prints, plus the per-thread engines. */
    public static final class Config {
        final DmPdev pdev;
        final CryptSpec spec;
        final byte[] key;
        final long ivOffset;
        final long offset;
        final int sectorSize;
        final boolean ivLargeSectors;
        final boolean allowDiscards;
        final boolean sameCpu;
        final boolean submitFromCryptCpus;
        private final ThreadLocal<CryptEngine> engine;
        private final CopyOnWriteArrayList<CryptEngine> engines = new CopyOnWriteArrayList<>();

        Config(DmPdev pdev, CryptSpec spec, byte[] key, long ivOffset, long offset, Features f) {
            this.pdev = pdev;
            this.spec = spec;
            this.key = key;
            this.ivOffset = ivOffset;
            this.offset = offset;
            this.sectorSize = f.sectorSize;
            this.ivLargeSectors = f.ivLargeSectors;
            this.allowDiscards = f.allowDiscards;
            this.sameCpu = f.sameCpu;
            this.submitFromCryptCpus = f.submitFromCryptCpus;
            this.engine = ThreadLocal.withInitial(() -> {
                CryptEngine e = new CryptEngine(spec, key, sectorSize, ivLargeSectors);
                engines.add(e);
                return e;
            });
        }

        /** This thread's keyed engine. */
        public CryptEngine engine() {
            return engine.get();
        }

        /** The encryption unit in bytes. */
        public int sectorSize() {
            return sectorSize;
        }

        void wipe() {
            for (CryptEngine e : engines) {
                e.wipe();
            }
            engines.clear();
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The optional parameters ({@code crypt_ctr_optional}). */
    static final class Features {
        int sectorSize = 512;
        boolean ivLargeSectors;
        boolean allowDiscards;
        boolean sameCpu;
        boolean submitFromCryptCpus;
    }

    @Override
    public String name() {
        return "crypt";
    }

    @Override
    public int[] version() {
        return new int[] {1, 19, 0};
    }

    /**
     * {@code crypt_ctr}: checks the arguments in Linux's order (count, key size, options, cipher,
     * key, iv_offset, device, offset). Every bad argument: EINVAL with Linux's {@code ti->error}
     * text naming it; a device that cannot be opened: ENOENT.
     */
    @Override
    public void init(DmPdevList pdevs, DmTableEntry entry, String[] argv) throws DmException {
        if (argv.length < 5) {
            throw err("Not enough arguments: " + argv.length + " given, at least 5 needed "
                    + "(cipher key iv_offset device offset)");
        }
        String keyArg = argv[1];
        if (keyArg.startsWith(":")) {
            throw err("key in the kernel keyring (\":size:type:description\") refused: the emulator has no keyring; "
                    + "give the key in hex");
        }
        Features f = features(argv, entry.length);
        CryptSpec spec = CryptSpec.parse(argv[0]);
        byte[] key = decodeKey(keyArg);
        try {
            spec.checkKey(key.length);
            long ivOffset = number(argv[2], "Invalid iv_offset sector");
            if ((ivOffset & ((f.sectorSize >> 9) - 1)) != 0) {
                throw err("Invalid iv_offset sector " + argv[2] + ": not a multiple of sector_size " + f.sectorSize);
            }
            DmPdev p = pdevs.insert(argv[3]);
            if (p == null) {
                throw new DmException(Errno.ENOENT, "crypt: Device lookup failed: cannot open " + argv[3]);
            }
            long offset;
            try {
                offset = number(argv[4], "Invalid device sector");
            } catch (DmException e) {
                pdevs.release(p);
                throw e;
            }
            entry.addDeps(p);
            entry.setConfig(new Config(p, spec, key, ivOffset, offset, f));
        } catch (DmException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        }
    }

    private static Features features(String[] argv, long length) throws DmException {
        Features f = new Features();
        if (argv.length <= 5) {
            return f;
        }
        String cnt = argv[5];
        if (!cnt.matches("[0-9]{1,9}") || Integer.parseInt(cnt) > MAX_FEATURES) {
            throw err("Invalid number of feature args \"" + cnt + "\" (0 to " + MAX_FEATURES + ")");
        }
        int n = Integer.parseInt(cnt);
        if (n > argv.length - 6) {
            throw err("Insufficient arguments: " + n + " feature args announced, " + (argv.length - 6) + " given");
        }
        for (int i = 6; i < 6 + n; i++) {
            String o = argv[i];
            String l = o.toLowerCase(Locale.ROOT);
            if (l.equals("allow_discards")) {
                f.allowDiscards = true;
            } else if (l.equals("same_cpu_crypt")) {
                f.sameCpu = true;
            } else if (l.equals("submit_from_crypt_cpus")) {
                f.submitFromCryptCpus = true;
            } else if (l.equals("iv_large_sectors")) {
                f.ivLargeSectors = true;
            } else if (o.startsWith("sector_size:")) {
                String v = o.substring("sector_size:".length());
                int ss = v.matches("[0-9]{1,5}") ? Integer.parseInt(v) : -1;
                if (ss < 512 || ss > 4096 || Integer.bitCount(ss) != 1) {
                    throw err("Invalid feature value for sector_size \"" + v + "\" (512 to 4096, a power of two)");
                }
                if ((length & ((ss >> 9) - 1)) != 0) {
                    throw err("Device size is not multiple of sector_size feature: length " + length + " sectors, "
                            + "sector_size " + ss);
                }
                f.sectorSize = ss;
            } else if (o.startsWith("integrity:")) {
                throw err("Invalid feature arguments \"" + o + "\": integrity is not supported");
            } else {
                throw err("Invalid feature arguments \"" + o + "\"");
            }
        }
        return f;
    }

    /** Hex to bytes; "-" is the empty key. The argument is never echoed. */
    private static byte[] decodeKey(String hex) throws DmException {
        if (hex.equals("-")) {
            return new byte[0];
        }
        if ((hex.length() & 1) != 0) {
            throw err("Error decoding and setting key: odd number of hex digits (" + hex.length() + ")");
        }
        byte[] k = new byte[hex.length() / 2];
        for (int i = 0; i < k.length; i++) {
            int h = Character.digit(hex.charAt(2 * i), 16);
            int l = Character.digit(hex.charAt(2 * i + 1), 16);
            if (h < 0 || l < 0) {
                Arrays.fill(k, (byte) 0);
                throw err("Error decoding and setting key: not a hex digit at position " + (h < 0 ? 2 * i : 2 * i + 1));
            }
            k[i] = (byte) (h << 4 | l);
        }
        return k;
    }

    /** {@code sscanf("%llu%c") == 1}: decimal digits only, fitting in 64 bits. */
    private static long number(String s, String what) throws DmException {
        if (!s.matches("[0-9]{1,20}")) {
            throw err(what + " \"" + s + "\"");
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw err(what + " \"" + s + "\": out of range");
        }
    }

    private static DmException err(String msg) {
        return new DmException(Errno.EINVAL, "crypt: " + msg);
    }

    /**
     * {@code crypt_status(STATUSTYPE_TABLE)}:
     * {@code "CIPHER HEXKEY IV_OFFSET MAJ:MIN OFFSET[ N allow_discards same_cpu_crypt submit_from_crypt_cpus sector_size:S iv_large_sectors]"},
     * the key as lowercase hex ("-" when empty).
     */
    @Override
    public String table(DmTableEntry entry) {
        Config c = (Config) entry.config();
        StringBuilder sb = new StringBuilder();
        sb.append(c.spec.cipherString()).append(' ');
        if (c.key.length == 0) {
            sb.append('-');
        }
        for (byte b : c.key) {
            sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        sb.append(' ').append(Long.toUnsignedString(c.ivOffset)).append(' ').append(c.pdev.udevName()).append(' ')
                .append(Long.toUnsignedString(c.offset));
        int n = (c.allowDiscards ? 1 : 0) + (c.sameCpu ? 1 : 0) + (c.submitFromCryptCpus ? 1 : 0)
                + (c.sectorSize != 512 ? 1 : 0) + (c.ivLargeSectors ? 1 : 0);
        if (n > 0) {
            sb.append(' ').append(n);
            if (c.allowDiscards) {
                sb.append(" allow_discards");
            }
            if (c.sameCpu) {
                sb.append(" same_cpu_crypt");
            }
            if (c.submitFromCryptCpus) {
                sb.append(" submit_from_crypt_cpus");
            }
            if (c.sectorSize != 512) {
                sb.append(" sector_size:").append(c.sectorSize);
            }
            if (c.ivLargeSectors) {
                sb.append(" iv_large_sectors");
            }
        }
        return sb.toString();
    }

    /** {@code crypt_status(STATUSTYPE_INFO)}: the empty string. */
    @Override
    public String info(DmTableEntry entry) {
        return "";
    }

    /** The params with the key (second word) replaced by zeros, as dmsetup shows them. */
    @Override
    public String redactParams(String params) {
        return hideKey(params);
    }

    /** Replaces the second space-separated word of {@code params} with as many '0's. */
    public static String hideKey(String params) {
        if (params == null) {
            return null;
        }
        char[] c = params.toCharArray();
        int p = 0;
        while (p < c.length && (c[p] == ' ' || c[p] == '\t')) {
            p++;
        }
        while (p < c.length && c[p] != ' ' && c[p] != '\t') {
            p++;
        }
        while (p < c.length && (c[p] == ' ' || c[p] == '\t')) {
            p++;
        }
        while (p < c.length && c[p] != ' ' && c[p] != '\t') {
            c[p++] = '0';
        }
        return new String(c);
    }

    /**
     * {@code crypt_map} + {@code kcryptd_crypt}: reads go to the device, then decrypt in place;
     * writes are encrypted run by run into the bounce buffer, each run written through
     * {@code scratch}. Unaligned transfers: EIO, nothing done.
     */
    @Override
    public void strategy(DmTableEntry entry, Buf nb, Buf scratch, Trace trace, int depth) {
        Config c = (Config) entry.config();
        int ss = c.sectorSize;
        long blkno = nb.blkno();
        int len = nb.bcount();
        if ((blkno & ((ss >> 9) - 1)) != 0 || (len & (ss - 1)) != 0) {
            if (trace != null) {
                trace.emit(depth, UNALIGNED, blkno, len, ss, Errno.EIO);
            }
            nb.setError(Errno.EIO);
            nb.setResid(len);
            return;
        }
        long cc = blkno + c.ivOffset;
        CryptEngine e = c.engine();
        if (trace != null) {
            // the cipher string only ("aes-xts-plain64"): the key is never a trace value
            trace.emit(depth, MAP, nb.isRead(), len / ss, ss, c.spec.cipherString(), cc, c.ivLargeSectors, c.offset,
                    c.pdev.name(), c.pdev.udevName());
        }
        if (nb.isRead()) {
            nb.setBlkno(blkno + c.offset);
            c.pdev.strategy(nb, depth + 1);
            int got = (len - nb.resid()) & -ss;
            if (nb.error() == Errno.NONE && got > 0) {
                e.crypt(false, nb.data(), nb.dataOffset(), nb.data(), nb.dataOffset(), got, cc);
            }
            return;
        }
        byte[] bounce = e.bounce;
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, CryptEngine.CHUNK);
            e.crypt(true, nb.data(), nb.dataOffset() + done, bounce, 0, n, cc + (done >> 9));
            scratch.setup(nb.flags(), blkno + c.offset + (done >> 9), bounce, 0, n);
            c.pdev.strategy(scratch, depth + 1);
            Errno err = DmTarget.outcome(scratch, n);
            if (err != Errno.NONE) {
                nb.setError(err);
                nb.setResid(len - done - (n - scratch.resid()));
                return;
            }
            done += n;
        }
        nb.setResid(0);
    }

    @Override
    public Errno sync(DmTableEntry entry) {
        return ((Config) entry.config()).pdev.sync();
    }

    /** {@code crypt_dtr}: zeroes the key and re-keys every engine, then drops the pdev. */
    @Override
    public void destroy(DmPdevList pdevs, DmTableEntry entry) {
        if (entry.config() instanceof Config c) {
            c.wipe();
            pdevs.release(c.pdev);
        }
    }

    /** The larger of the device's sector size and the encryption sector size ({@code crypt_io_hints}). */
    @Override
    public int secsize(DmTableEntry entry) {
        return entry.config() instanceof Config c ? Math.max(c.pdev.secsize(), c.sectorSize) : 0;
    }

    // trace points

    private static final TracePoint UNALIGNED = TracePoint.of("dm_target_crypt_strategy",
            "dm_target_crypt_strategy: blkno {blkno} bcount {bcount} not aligned to sector_size {sector_size}"
            + " -> {error}");
    private static final TracePoint MAP = TracePoint.of("dm_target_crypt_strategy",
            "dm_target_crypt_strategy: {read?read|write} {sectors} sectors of {sector_size} bytes, {cipher},"
            + " iv sector {iv_sector}{iv_large_sectors? (large)}; blkno += {offset} -> {pdev} ({udev})");
}
