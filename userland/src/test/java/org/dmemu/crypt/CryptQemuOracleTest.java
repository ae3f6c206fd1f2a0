package org.dmemu.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oracle: qemu-img's own LUKS1 implementation. For each cipher/mode/IV qemu supports, qemu
 * writes plaintext into a LUKS1 volume and dmemu's crypt target (keyed with the master key
 * cryptsetup luksDump reports) reads it back; dmemu writes through the target and qemu-img
 * decrypts it.
 */
class CryptQemuOracleTest {
    /** qemu-img create options → the dm-crypt spec cryptsetup reports. */
    private static final String[][] COMBOS = {
        {"cipher-alg=aes-256,cipher-mode=xts,ivgen-alg=plain64", "aes-xts-plain64"},
        {"cipher-alg=serpent-256,cipher-mode=xts,ivgen-alg=plain64", "serpent-xts-plain64"},
        {"cipher-alg=twofish-128,cipher-mode=cbc,ivgen-alg=essiv,ivgen-hash-alg=sha256", "twofish-cbc-essiv:sha256"},
        {"cipher-alg=cast5-128,cipher-mode=cbc,ivgen-alg=plain64", "cast5-cbc-plain64"},
    };
    /**
     * cryptsetup decrypts key slots of ciphers OpenSSL lacks (serpent, twofish, cast5) only
     * through the kernel's dm-crypt, which a test machine may not have; for those the volume
     * key comes from {@code dmemu cryptsetup luksDump --dump-volume-key} (itself checked
     * against cryptsetup on aes volumes in CryptsetupOracleTest). The data path is still
     * checked against qemu's own ciphers both ways.
     */
    private static final Set<String> KEY_FROM_DMEMU = Set.of("serpent-xts-plain64", "twofish-cbc-essiv:sha256",
            "cast5-cbc-plain64");
    private static final int PAYLOAD = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void qemuWrites_dmemuReads_andBack() throws Exception {
        Tools.require("qemu-img");
        Tools.require("cryptsetup");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "oracle-pass");
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < COMBOS.length; i++) {
                int n = i;
                fs.add(ex.submit(() -> {
                    combo(n, pw);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdownNow();
        }
    }

    private void combo(int n, Path pw) throws Exception {
        String opts = COMBOS[n][0];
        Path img = dir.resolve("v" + n + ".luks");
        String secret = "secret,id=s,data=oracle-pass";
        Tools.Run r = qemuCreate(img, secret, opts, PAYLOAD);
        LuksOracle o = KEY_FROM_DMEMU.contains(COMBOS[n][1]) ? dmemuDump(img, pw) : LuksOracle.dump(img, pw);
        assertEquals(COMBOS[n][1], o.cipher(), opts);

        byte[] plain = new byte[PAYLOAD / 2];
        new Random(n).nextBytes(plain);
        Path plainF = dir.resolve("p" + n + ".bin");
        Files.write(plainF, plain);
        r = Tools.run(List.of("qemu-img", "convert", "-n", "--object", secret, "-f", "raw", plainF.toString(),
                "--target-image-opts", "driver=luks,key-secret=s,file.filename=" + img), null, 120);
        assertEquals(0, r.exit(), r.err());

        byte[] mine = new byte[PAYLOAD / 2];
        new Random(100 + n).nextBytes(mine);
        long sectors = (Files.size(img) / 512) - o.payloadSectors();
        String table = o.cipher() + " " + o.hexKey() + " 0 /dev/wd1d " + o.payloadSectors();
        try (Kernel k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "file:" + img, 512)), Set.of("crypt"),
                false, false, null))) {
            load(k, "c", sectors, table);
            byte[] got = new byte[plain.length];
            assertEquals(Errno.NONE, io(k, true, 0, got), opts);
            assertArrayEquals(plain, got, "dmemu reads what qemu wrote: " + opts);
            assertEquals(Errno.NONE, io(k, false, PAYLOAD / 2 / 512, mine), opts);
        }
        Path out = dir.resolve("o" + n + ".raw");
        r = Tools.run(List.of("qemu-img", "convert", "--object", secret, "--image-opts",
                "driver=luks,key-secret=s,file.filename=" + img, "-O", "raw", out.toString()), null, 120);
        assertEquals(0, r.exit(), r.err());
        byte[] all = Files.readAllBytes(out);
        assertEquals(PAYLOAD, all.length);
        assertArrayEquals(plain, Arrays.copyOf(all, PAYLOAD / 2), opts);
        assertArrayEquals(mine, Arrays.copyOfRange(all, PAYLOAD / 2, PAYLOAD), "qemu reads what dmemu wrote: " + opts);
    }

    private static LuksOracle dmemuDump(Path img, Path pw) {
        var r = CryptsetupOracleTest.dmemu(null, "", "luksDump", "--dump-volume-key", "--key-file", pw.toString(),
                img.toString());
        assertEquals(0, r.exit(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Cipher name:\\s*(\\S+)\\s*\\nCipher mode:\\s*(\\S+)"
                + "\\s*\\nPayload offset:\\s*(\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        String hex = r.out().substring(r.out().indexOf("MK dump:") + 8).replaceAll("\\s+", "");
        return new LuksOracle(m.group(1) + "-" + m.group(2), java.util.HexFormat.of().parseHex(hex),
                Long.parseLong(m.group(3)), 512);
    }

    /**
     * qemu-img create -f luks; qemu's PBKDF2 timing loop sometimes fails on a loaded machine
     * ("Unable to get accurate CPU usage"), so that one message is retried.
     */
    static Tools.Run qemuCreate(Path img, String secret, String opts, int size) throws Exception {
        Tools.Run r = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            r = Tools.run(List.of("qemu-img", "create", "-q", "-f", "luks", "--object", secret, "-o",
                    "key-secret=s,iter-time=100," + opts, img.toString(), Integer.toString(size)), null, 120);
            if (r.exit() == 0 || !r.err().contains("Unable to get accurate CPU usage")) {
                break;
            }
        }
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    static void load(Kernel k, String name, long sectors, String params) {
        call(k, req("create", name, null));
        PropDictionary line = new PropDictionary();
        line.setUint64(NetbsdDm.DM_TABLE_START, 0);
        line.setUint64(NetbsdDm.DM_TABLE_LENGTH, sectors);
        line.setString(NetbsdDm.DM_TABLE_TYPE, "crypt");
        line.setString(NetbsdDm.DM_TABLE_PARAMS, params);
        PropArray a = new PropArray();
        a.add(line);
        call(k, req("reload", name, a));
        call(k, req("resume", name, null));
        assertEquals(Errno.NONE, k.deviceMapper().lastHandlerErrno());
    }

    private static PropDictionary req(String cmd, String name, PropArray data) {
        PropDictionary d = new PropDictionary();
        d.setString(NetbsdDm.DM_IOCTL_COMMAND, cmd);
        d.setString(NetbsdDm.DM_IOCTL_NAME, name);
        d.setUint32(NetbsdDm.DM_IOCTL_FLAGS, 0);
        PropArray v = new PropArray();
        for (int x : new int[] {4, 0, 0}) {
            v.add(org.dmemu.proplib.PropNumber.unsigned(x));
        }
        d.set(NetbsdDm.DM_IOCTL_VERSION, v);
        if (data != null) {
            d.set(NetbsdDm.DM_IOCTL_CMD_DATA, data);
        }
        return d;
    }

    private static void call(Kernel k, PropDictionary d) {
        byte[] x = PropKern.externalizeRequest(d);
        assertEquals(0, k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length).errno());
        assertEquals(Errno.NONE, k.deviceMapper().lastHandlerErrno(), d.getString(NetbsdDm.DM_IOCTL_COMMAND));
    }

    /** The active table of {@code name} as one line, key shown (the kernel's reply). */
    static String table(Kernel k, String name) {
        PropDictionary d = req("table", name, null);
        d.setUint32(NetbsdDm.DM_IOCTL_FLAGS, NetbsdDm.DM_STATUS_TABLE_FLAG);
        byte[] x = PropKern.externalizeRequest(d);
        var r = k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length);
        assertEquals(0, r.errno());
        try {
            PropDictionary rep = PropKern.internalizeReply(r.out(), r.out().length);
            PropDictionary e = (PropDictionary) rep.getArray(NetbsdDm.DM_IOCTL_CMD_DATA).get(0);
            return e.getUint64(NetbsdDm.DM_TABLE_START).orElse(-1) + " " + e.getUint64(NetbsdDm.DM_TABLE_LENGTH).orElse(-1)
                    + " " + e.getString(NetbsdDm.DM_TABLE_TYPE) + " " + e.getString(NetbsdDm.DM_TABLE_PARAMS);
        } catch (PropKern.PropKernException ex) {
            throw new AssertionError(ex);
        }
    }

    static Errno io(Kernel k, boolean read, long blkno, byte[] data) throws Exception {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, data, 0, data.length);
        try (DiskHandle h = k.open("/dev/mapper/c")) {
            h.strategy(bp);
        }
        return bp.error();
    }
}
