package org.dmemu.cryptsetup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.dmemu.dev.dm.target.crypt.CryptHash;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.Libdevmapper;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * {@code dmemu cryptsetup}: the parts of cryptsetup(8) that DragonFly's port drives through
 * dm, against a running {@code dmemu serve} (which needs {@code --targets crypt}):
 * <pre>
 * dmemu cryptsetup [--control PATH] open [--type luks|luks1|luks2|plain] [--key-file FILE]
 *                  [--image IMAGE] [--cipher C] [--key-size BITS] [--hash H] [--offset N] [--skip N]
 *                  [--size N] DEVICE NAME
 * dmemu cryptsetup [--control PATH] close NAME
 * dmemu cryptsetup [--control PATH] status NAME
 * dmemu cryptsetup luksDump [--dump-volume-key] [--key-file FILE] IMAGE
 * </pre>
 * The table loaded is the one cryptsetup's {@code get_dm_crypt_params} builds:
 * {@code 0 SIZE crypt CIPHER HEXKEY IV_OFFSET DEVICE OFFSET[ 1 sector_size:N]}, with the dm
 * UUID {@code CRYPT-<TYPE>-<uuid>-<name>} that status reads back.
 *
 * <p>Differences from cryptsetup: the emulated disk is not readable from userland, so the
 * LUKS header is read from {@code --image IMAGE} (alias {@code --header}), a host file holding
 * DEVICE's bytes from its first sector (for a whole-disk image served as {@code wdN}, DEVICE is
 * {@code /dev/wdNd}); SIZE is that file's size unless {@code --size} says otherwise. No keyring,
 * no tokens, no integrity, one data segment.
 */
public final class Cryptsetup {
    /** cryptsetup's exit codes. */
    static final int EXIT_USAGE = 1;

    /** What {@code --help} prints. */
    static final String USAGE = String.join("\n",
            "usage: dmemu cryptsetup [--control PATH] [OPTIONS] ACTION ARGS...",
            "actions:",
            "  open --type luks|luks1|luks2|plain DEVICE NAME   load a crypt table for DEVICE as NAME",
            "  close NAME                                       remove the dm device NAME",
            "  status NAME                                      print NAME's crypt mapping",
            "  luksDump IMAGE [--dump-volume-key]               print the LUKS header of a host image file",
            "options:",
            "  --key-file FILE, -d FILE   the passphrase (or plain key) file; else one line of standard input",
            "  --image IMAGE              the host image file holding DEVICE's LUKS header",
            "  --cipher, -c; --key-size, -s; --hash, -h; --offset, -o; --skip, -p; --size, -b   plain mode",
            "see docs/targets/crypt.md",
            "");
    static final int EXIT_PERM = 2;
    static final int EXIT_NODEV = 4;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    private Cryptsetup(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Parsed options. */
    static final class Opts {
        String type = "luks";
        String keyFile;
        String image;
        String cipher;
        int keyBits;
        String hash;
        long offset;
        long skip;
        long size = -1;
        boolean dumpKey;
        final List<String> args = new ArrayList<>();
    }

    /** The {@code dmemu cryptsetup} subcommand. */
    public static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        String control = null;
        int i = 0;
        if (argv.length > 0 && argv[0].startsWith("--control")) {
            if (argv[0].startsWith("--control=")) {
                control = argv[0].substring(10);
                i = 1;
            } else if (argv.length > 1) {
                control = argv[1];
                i = 2;
            } else {
                err.println("dmemu cryptsetup: --control needs a path");
                return EXIT_USAGE;
            }
        }
        if (control == null) {
            String e = System.getenv("DMEMU_CONTROL");
            control = e != null && !e.isEmpty() ? e : "state/control";
        }
        return run(new UnixSocketTransport(Path.of(control)), Arrays.copyOfRange(argv, i, argv.length), in, out, err);
    }

    /** The subcommand over a given transport (tests use an in-process kernel). */
    public static int run(DmTransport tf, String[] argv, InputStream in, PrintStream out, PrintStream err) {
        Cryptsetup c = new Cryptsetup(in, out, err);
        Opts o = new Opts();
        try {
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                String v = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    v = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--type", "-M" -> o.type = v != null ? v : need(argv, ++i, a);
                    case "--key-file", "-d" -> o.keyFile = v != null ? v : need(argv, ++i, a);
                    case "--image", "--header" -> o.image = v != null ? v : need(argv, ++i, a);
                    case "--cipher", "-c" -> o.cipher = v != null ? v : need(argv, ++i, a);
                    case "--hash", "-h" -> o.hash = v != null ? v : need(argv, ++i, a);
                    case "--key-size", "-s" -> o.keyBits = (int) num(v != null ? v : need(argv, ++i, a), a);
                    case "--offset", "-o" -> o.offset = num(v != null ? v : need(argv, ++i, a), a);
                    case "--skip", "-p" -> o.skip = num(v != null ? v : need(argv, ++i, a), a);
                    case "--size", "-b" -> o.size = num(v != null ? v : need(argv, ++i, a), a);
                    case "--dump-volume-key", "--dump-master-key" -> o.dumpKey = true;
                    case "--batch-mode", "-q" -> {
                    }
                    case "--help", "-?" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") && a.length() > 1) {
                            throw new UsageException("unknown option " + a);
                        }
                        o.args.add(argv[i]);
                    }
                }
            }
            if (o.args.isEmpty()) {
                throw new UsageException("an action is needed: open, close, status or luksDump");
            }
            String action = o.args.remove(0);
            return switch (action) {
                case "open" -> c.open(tf, o);
                case "luksOpen" -> {
                    o.type = "luks";
                    yield c.open(tf, o);
                }
                case "close", "remove", "luksClose" -> c.close(tf, o);
                case "status" -> c.status(tf, o);
                case "luksDump" -> c.luksDump(o);
                default -> throw new UsageException("unknown action " + action);
            };
        } catch (UsageException e) {
            err.println("dmemu cryptsetup: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | IllegalArgumentException e) {
            err.println("dmemu cryptsetup: " + e.getMessage());
            return EXIT_NODEV;
        }
    }

    static final class UsageException extends Exception {
        UsageException(String m) {
            super(m);
        }
    }

    private static String need(String[] a, int i, String opt) throws UsageException {
        if (i >= a.length) {
            throw new UsageException(opt + " needs a value");
        }
        return a[i];
    }

    private static long num(String v, String opt) throws UsageException {
        if (!v.matches("[0-9]{1,18}")) {
            throw new UsageException(opt + ": not a number: " + v);
        }
        return Long.parseLong(v);
    }

    private void args(Opts o, int n, String what) throws UsageException {
        if (o.args.size() != n) {
            throw new UsageException("expected " + what);
        }
    }

    /** The passphrase: the whole key file, or one line of stdin without its newline. */
    private byte[] passphrase(Opts o) throws IOException {
        if (o.keyFile != null && !o.keyFile.equals("-")) {
            return Files.readAllBytes(Path.of(o.keyFile));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && (o.keyFile != null || c != '\n')) {
            b.write(c);
        }
        return b.toByteArray();
    }

    private int open(DmTransport t, Opts o) throws UsageException, IOException {
        args(o, 2, "open DEVICE NAME");
        String device = o.args.get(0);
        String name = o.args.get(1);
        String type = o.type.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("luks", "luks1", "luks2", "plain").contains(type)) {
            throw new UsageException("--type " + o.type + ": only luks, luks1, luks2 and plain are supported");
        }
        if (o.image == null && (!type.equals("plain") || o.size < 0)) {
            throw new UsageException("--image IMAGE (the host file holding " + device + "'s bytes) is needed: "
                    + "the emulated disk is not readable from userland" + (type.equals("plain") ? " (or --size)" : ""));
        }
        long devSectors = o.image != null ? Files.size(Path.of(o.image)) / 512 : -1;
        byte[] pass = passphrase(o);
        byte[] key;
        String cipher;
        long offset;
        long ivOffset;
        int sectorSize = 512;
        String uuid;
        try {
            if (type.equals("plain")) {
                cipher = o.cipher != null ? o.cipher : "aes-cbc-essiv:sha256";
                int bytes = (o.keyBits != 0 ? o.keyBits : 256) / 8;
                key = plainKey(o, pass, bytes);
                offset = o.offset;
                ivOffset = o.skip;
                uuid = "CRYPT-PLAIN-" + name;
            } else {
                LuksHeader h;
                try (FileChannel ch = FileChannel.open(Path.of(o.image), StandardOpenOption.READ)) {
                    h = LuksHeader.read(ch);
                    if (!type.equals("luks") && !type.equals("luks" + h.version())) {
                        throw new IllegalArgumentException("Device " + device + " is not a valid " + type.toUpperCase()
                                + " device.");
                    }
                    key = LuksUnlock.unlock(h, ch, pass);
                }
                if (key == null) {
                    err.println("No key available with this passphrase.");
                    return EXIT_PERM;
                }
                cipher = h.cipher();
                offset = h.offsetSectors();
                ivOffset = h.ivTweak();
                sectorSize = h.sectorSize();
                uuid = "CRYPT-LUKS" + h.version() + "-" + h.uuid().replace("-", "") + "-" + name;
                if (h.sizeSectors() >= 0 && o.size < 0) {
                    o.size = h.sizeSectors();
                }
            }
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
        long size = o.size >= 0 ? o.size : devSectors - offset;
        size &= -(sectorSize / 512);
        if (size <= 0) {
            Arrays.fill(key, (byte) 0);
            throw new IllegalArgumentException("Device " + device + " is too small.");
        }
        StringBuilder params = new StringBuilder();
        params.append(cipher).append(' ');
        if (cipher.startsWith("cipher_null") || key.length == 0) {
            params.append('-');
        } else {
            params.append(HexFormat.of().formatHex(key));
        }
        Arrays.fill(key, (byte) 0);
        params.append(' ').append(ivOffset).append(' ').append(device).append(' ').append(offset);
        if (sectorSize != 512) {
            params.append(" 1 sector_size:").append(sectorSize);
        }
        {
            Libdevmapper lib = new Libdevmapper(t, out, err);
            DmTask task = lib.taskCreate(DmTask.Type.CREATE);
            task.setName(name);
            task.setUuid(uuid);
            if (!task.run()) {
                return EXIT_NODEV;
            }
            DmTask load = lib.taskCreate(DmTask.Type.RELOAD);
            load.setName(name);
            load.addTarget(0, size, "crypt", params.toString());
            params.setLength(0);
            DmTask resume = lib.taskCreate(DmTask.Type.RESUME);
            resume.setName(name);
            if (!load.run() || !resume.run()) {
                DmTask rm = lib.taskCreate(DmTask.Type.REMOVE);
                rm.setName(name);
                rm.run();
                return EXIT_NODEV;
            }
        }
        return 0;
    }

    /** cryptsetup's plain key: the raw key file, or HASH("A"×round ‖ passphrase) rounds concatenated. */
    private static byte[] plainKey(Opts o, byte[] pass, int bytes) throws UsageException {
        if (o.keyFile != null && !o.keyFile.equals("-") && o.hash == null) {
            if (pass.length < bytes) {
                throw new UsageException("key file " + o.keyFile + " holds " + pass.length + " bytes, " + bytes + " needed");
            }
            return Arrays.copyOf(pass, bytes);
        }
        String hash = o.hash != null ? o.hash : "ripemd160";
        if (hash.equals("plain")) {
            return Arrays.copyOf(pass, bytes);
        }
        if (!CryptHash.known(hash)) {
            throw new UsageException("--hash " + hash + ": unknown hash");
        }
        byte[] key = new byte[bytes];
        for (int round = 0, off = 0; off < bytes; round++) {
            byte[] a = new byte[round];
            Arrays.fill(a, (byte) 'A');
            byte[] h = CryptHash.hash(hash, a, pass);
            int n = Math.min(h.length, bytes - off);
            System.arraycopy(h, 0, key, off, n);
            off += n;
        }
        return key;
    }

    private int close(DmTransport t, Opts o) throws UsageException, IOException {
        args(o, 1, "close NAME");
        {
            Libdevmapper lib = new Libdevmapper(t, out, err);
            DmTask info = lib.taskCreate(DmTask.Type.INFO);
            info.setName(o.args.get(0));
            if (!info.run() || !info.getInfo().exists()) {
                err.println("Device " + o.args.get(0) + " is not active.");
                return EXIT_NODEV;
            }
            DmTask rm = lib.taskCreate(DmTask.Type.REMOVE);
            rm.setName(o.args.get(0));
            return rm.run() ? 0 : EXIT_NODEV;
        }
    }

    private int status(DmTransport t, Opts o) throws UsageException, IOException {
        args(o, 1, "status NAME");
        String name = o.args.get(0);
        {
            Libdevmapper lib = new Libdevmapper(t, out, err);
            DmTask tb = lib.taskCreate(DmTask.Type.TABLE);
            tb.setName(name);
            if (!tb.run() || !tb.getInfo().exists() || tb.targets().isEmpty()) {
                out.println("/dev/mapper/" + name + " is inactive.");
                return EXIT_NODEV;
            }
            DmTask.Target x = tb.targets().get(0);
            DmTask info = lib.taskCreate(DmTask.Type.INFO);
            info.setName(name);
            String uuid = info.run() && info.getUuid() != null ? info.getUuid() : "";
            String type = uuid.startsWith("CRYPT-") ? uuid.substring(6, uuid.indexOf('-', 6) < 0 ? uuid.length()
                    : uuid.indexOf('-', 6)) : "n/a";
            out.println("/dev/mapper/" + name + " is active.");
            out.println("  type:    " + type);
            if (!x.type().equals("crypt")) {
                return 0;
            }
            String[] p = x.params().split(" ");
            int ss = 512;
            for (int i = 6; i < p.length; i++) {
                if (p[i].startsWith("sector_size:")) {
                    ss = Integer.parseInt(p[i].substring(12));
                }
            }
            out.println("  cipher:  " + p[0]);
            out.println("  keysize: " + (p[1].equals("-") ? 0 : p[1].length() * 4) + " bits");
            out.println("  key location: dm-crypt");
            out.println("  device:  " + p[3]);
            out.println("  sector size:  " + ss);
            out.println("  offset:  " + p[4] + " sectors");
            if (!p[2].equals("0")) {
                out.println("  skipped: " + p[2] + " sectors");
            }
            out.println("  size:    " + x.length() + " sectors");
            out.println("  mode:    " + (tb.getInfo().readOnly() ? "readonly" : "read/write"));
            return 0;
        }
    }

    private int luksDump(Opts o) throws UsageException, IOException {
        args(o, 1, "luksDump IMAGE");
        Path img = Path.of(o.args.get(0));
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
            LuksHeader h = LuksHeader.read(ch);
            int dash = h.cipher().indexOf('-');
            String cname = dash < 0 ? h.cipher() : h.cipher().substring(0, dash);
            String cmode = dash < 0 ? "" : h.cipher().substring(dash + 1);
            if (o.dumpKey) {
                byte[] pass = passphrase(o);
                byte[] key = LuksUnlock.unlock(h, ch, pass);
                Arrays.fill(pass, (byte) 0);
                if (key == null) {
                    err.println("No key available with this passphrase.");
                    return EXIT_PERM;
                }
                out.println("LUKS header information for " + o.args.get(0));
                out.println("Cipher name:   \t" + cname);
                out.println("Cipher mode:   \t" + cmode);
                out.println("Payload offset:\t" + h.offsetSectors());
                out.println("UUID:          \t" + h.uuid());
                out.println("MK bits:       \t" + key.length * 8);
                StringBuilder sb = new StringBuilder("MK dump:\t");
                for (int i = 0; i < key.length; i++) {
                    if (i > 0 && i % 16 == 0) {
                        sb.append("\n\t\t");
                    }
                    sb.append(String.format("%02x ", key[i]));
                }
                Arrays.fill(key, (byte) 0);
                out.println(sb);
                return 0;
            }
            out.println("LUKS header information" + (h.version() == 1 ? " for " + o.args.get(0) : ""));
            out.println("Version:       \t" + h.version());
            out.println("Cipher:        \t" + h.cipher());
            out.println("Payload offset:\t" + h.offsetSectors());
            out.println("Sector size:   \t" + h.sectorSize());
            out.println("MK bits:       \t" + h.keyBytes() * 8);
            out.println("UUID:          \t" + h.uuid());
            out.println("Digest:        \tpbkdf2 " + h.digestHash() + ", " + h.digestIterations() + " iterations");
            for (LuksHeader.Keyslot k : h.keyslots()) {
                out.println("Key Slot " + k.id() + ": ENABLED");
                out.println("\tPBKDF:              \t" + k.kdf() + (k.kdf().equals("pbkdf2")
                        ? " " + k.hash() + ", " + k.iterations() + " iterations"
                        : ", time " + k.iterations() + ", memory " + k.memoryKiB() + " KiB, " + k.cpus() + " threads"));
                out.println("\tCipher:             \t" + k.areaCipher() + ", " + k.areaKeyBytes() * 8 + " bits");
                out.println("\tArea offset:        \t" + k.areaOffset() + " [bytes]");
                out.println("\tAF stripes:         \t" + k.stripes() + " (" + k.afHash() + ")");
            }
            return 0;
        }
    }
}
