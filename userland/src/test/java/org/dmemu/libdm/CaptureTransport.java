package org.dmemu.libdm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;

/**
 * A test transport: records every request (command number and dictionary) and answers with
 * {@code reply.apply(request)} copied out with its NUL, or with a fixed errno.
 */
public final class CaptureTransport implements DmTransport {
    public final List<PropDictionary> requests = new ArrayList<>();
    public final List<byte[]> raw = new ArrayList<>();
    public final List<Long> cmds = new ArrayList<>();
    private final UnaryOperator<PropDictionary> reply;
    private final int errno;

    public CaptureTransport(UnaryOperator<PropDictionary> reply) {
        this.reply = reply;
        this.errno = 0;
    }

    public CaptureTransport(int errno) {
        this.reply = null;
        this.errno = errno;
    }

    @Override
    public IoctlResult ioctl(long cmd, byte[] plist) {
        cmds.add(cmd);
        raw.add(plist);
        PropDictionary d;
        try {
            d = (PropDictionary) PropInternalizer.internalize(plist, 0, plist.length, PropInternalizer.Mode.KERNEL);
        } catch (Exception e) {
            throw new AssertionError("request does not internalize", e);
        }
        requests.add(d);
        if (reply == null) {
            return new IoctlResult(errno, new byte[0]);
        }
        return new IoctlResult(0, PropExternalizer.externalize(reply.apply(d), true));
    }
}
