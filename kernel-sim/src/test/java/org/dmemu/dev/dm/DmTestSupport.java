package org.dmemu.dev.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelException;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/** A booted kernel (wd0, wd1: 8 MiB each; sd0: 4 KiB sectors) and request helpers for handler tests. */
public class DmTestSupport implements AutoCloseable {
    public final Kernel k;

    public DmTestSupport() {
        this(Set.of(), false);
    }

    /** Request helpers for an already booted kernel (closed by {@link #close()}). */
    public DmTestSupport(Kernel k) {
        this.k = k;
    }

    public DmTestSupport(Set<String> extra, boolean strict) {
        try {
            k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:8M", 512), new DiskSpec("wd1", "mem:8M", 512),
                    new DiskSpec("sd0", "mem:8M", 4096)), extra, strict, false, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request with version 4.0.0, the command, and alternating key/value pairs. */
    public static PropDictionary req(String command, Object... kv) {
        PropDictionary d = new PropDictionary();
        d.setString("command", command);
        PropArray v = new PropArray();
        v.addUint32(4);
        v.addUint32(0);
        v.addUint32(0);
        d.set("version", v);
        for (int i = 0; i < kv.length; i += 2) {
            d.set((String) kv[i], obj(kv[i + 1]));
        }
        return d;
    }

    /** Java value → proplib: String → string, Integer/Long → unsigned number, PropObject as is. */
    public static PropObject obj(Object o) {
        if (o instanceof PropObject p) {
            return p;
        }
        if (o instanceof String s) {
            return PropString.of(s);
        }
        return PropNumber.unsigned(((Number) o).longValue());
    }

    /** A dictionary from pairs. */
    public static PropDictionary dict(Object... kv) {
        PropDictionary d = new PropDictionary();
        for (int i = 0; i < kv.length; i += 2) {
            d.set((String) kv[i], obj(kv[i + 1]));
        }
        return d;
    }

    /** An array of the values. */
    public static PropArray arr(Object... vs) {
        PropArray a = new PropArray();
        for (Object v : vs) {
            a.add(obj(v));
        }
        return a;
    }

    /** The version array of every accepted reply. */
    public static PropArray kver() {
        return arr(4, 16, 0);
    }

    /** A table line {start, length, type, params}. */
    public static PropDictionary line(long start, long length, String type, String params) {
        PropDictionary d = dict("start", start, "length", length, "type", type);
        if (params != null) {
            d.setString("params", params);
        }
        return d;
    }

    /** Sends the request through NETBSD_DM_IOCTL; asserts the ioctl returned 0; the reply. */
    public PropDictionary call(PropDictionary request) {
        byte[] x = PropKern.externalizeRequest(request);
        IoctlResult r = k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length);
        assertEquals(0, r.errno(), "ioctl errno");
        try {
            return PropKern.internalizeReply(r.out(), r.out().length);
        } catch (PropKern.PropKernException e) {
            throw new AssertionError(e);
        }
    }

    /** H-ERR of the last handler. */
    public Errno herr() {
        return k.deviceMapper().lastHandlerErrno();
    }

    public PropDictionary create(String name) {
        return call(req("create", "name", name, "flags", 0));
    }

    public PropDictionary reload(String name, PropDictionary... lines) {
        return call(req("reload", "name", name, "flags", 0, "cmd_data", arr((Object[]) lines)));
    }

    public PropDictionary resume(String name) {
        return call(req("resume", "name", name, "flags", 0));
    }

    /** create + reload + resume; asserts success. */
    public void up(String name, PropDictionary... lines) {
        create(name);
        assertEquals(Errno.NONE, herr());
        reload(name, lines);
        assertEquals(Errno.NONE, herr(), "reload");
        resume(name);
        assertEquals(Errno.NONE, herr());
    }

    /** One strategy call on a node; returns the buf. */
    public Buf io(String path, boolean read, long blkno, byte[] data) {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, data, 0, data.length);
        try (DiskHandle h = k.open(path)) {
            h.strategy(bp);
        } catch (KernelException e) {
            throw new AssertionError(e);
        }
        return bp;
    }

    @Override
    public void close() {
        k.close();
    }
}
