package org.dmemu.testutil;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * An in-memory disk for tests: 512-byte sectors, optional failing range (every transfer that
 * touches [failFrom, failTo) sectors gets {@code failWith}), counts strategy calls and their
 * largest transfer, and flushes.
 */
public final class MemDisk implements DiskHandle {
    public final byte[] bytes;
    private final String path;
    public long failFrom = -1;
    public long failTo = -1;
    public Errno failWith = Errno.EIO;
    public volatile int strategyCalls;
    public volatile int maxBcount;
    public volatile int syncs;
    public volatile int closes;

    public MemDisk(String path, int size) {
        this.path = path;
        this.bytes = new byte[size];
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public synchronized void strategy(Buf bp) {
        strategyCalls++;
        maxBcount = Math.max(maxBcount, bp.bcount());
        long off = bp.blkno() * Buf.DEV_BSIZE;
        long firstSec = bp.blkno();
        long lastSec = bp.blkno() + (bp.bcount() - 1) / Buf.DEV_BSIZE;
        if (failFrom >= 0 && firstSec < failTo && lastSec >= failFrom) {
            bp.setError(failWith);
            bp.setResid(bp.bcount());
            return;
        }
        if (off >= bytes.length) {
            bp.setResid(bp.bcount());
            return;
        }
        int n = (int) Math.min(bp.bcount(), bytes.length - off);
        if (bp.buffer() != null) {
            if (bp.isRead()) {
                bp.buffer().put(bp.dataOffset(), bytes, (int) off, n);
            } else {
                bp.buffer().get(bp.dataOffset(), bytes, (int) off, n);
            }
        } else if (bp.isRead()) {
            System.arraycopy(bytes, (int) off, bp.data(), bp.dataOffset(), n);
        } else {
            System.arraycopy(bp.data(), bp.dataOffset(), bytes, (int) off, n);
        }
        bp.setResid(bp.bcount() - n);
    }

    @Override
    public long mediaSize() {
        return bytes.length;
    }

    @Override
    public int sectorSize() {
        return 512;
    }

    @Override
    public Errno cacheSync() {
        syncs++;
        return Errno.NONE;
    }

    @Override
    public org.dmemu.kern.IoctlResult ioctl(long cmd, byte[] arg) {
        return new org.dmemu.kern.IoctlResult(Errno.ENOTTY.number(), new byte[0]);
    }

    @Override
    public void close() {
        closes++;
    }
}
