package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.dmemu.dev.disk.Disk;
import org.dmemu.sys.Dev;
import org.dmemu.sys.Errno;

/**
 * Emulates the pdev list of sys/dev/dm/dm_pdev.c (rev 1.23): {@code dm_pdev_insert},
 * {@code dm_pdev_decr}.
 *
 * <p>A path is resolved (namei-style: {@code //}, {@code .}, {@code ..} and relative paths from
 * {@code /}) only against the block device nodes of the emulated {@code /dev} registered at boot
 * ({@code /dev/wd1a} …); anything else (a character node, a host path such as
 * {@code /etc/passwd}, {@code ../x}) fails exactly like a nonexistent device: insert returns null
 * and the target reports ENOENT. No host path can ever be reached. As in NetBSD, two spellings
 * of one node are two pdev entries (names are compared exactly) with the same dev_t.
 *
 * <p>Differences from NetBSD: the emulated file system has no symbolic links and its working
 * directory is {@code /}; dm devices cannot be stacked (a {@code /dev/mapper/…} path is not a
 * pdev). Callers hold the kernel's ioctl lock, which stands for {@code dm_pdev_mutex}.
 */
public final class DmPdevList {
    /** The result of resolving a block node path: the disk and partition. */
    public record Node(Disk disk, int part) {
    }

    private final List<DmPdev> list = new ArrayList<>();
    private final Function<String, Node> resolver;

    /** @param resolver maps an emulated block node path to its disk partition, or null */
    public DmPdevList(Function<String, Node> resolver) {
        this.resolver = resolver;
    }

    /**
     * {@code dm_pdev_insert(path)}: the existing pdev whose stored name equals {@code path}
     * (reference +1), or a newly opened one, or null if the device cannot be opened.
     */
    public DmPdev insert(String path) {
        for (DmPdev p : list) {
            if (p.name.equals(path)) {
                p.refCnt++;
                return p;
            }
        }
        Node n = resolver.apply(path);
        if (n == null || n.disk().open(n.part()) != Errno.NONE) {
            return null;
        }
        long dev = n.disk().dev(n.part(), false);
        String stored = path.length() > 31 ? path.substring(0, 31) : path;
        DmPdev p = new DmPdev(stored, Dev.major(dev) + ":" + Dev.minor(dev), dev, n.disk(), n.part());
        list.add(0, p);
        return p;
    }

    /** {@code dm_pdev_decr(pdev)}: reference −1; at 0 the pdev is closed and unlinked. */
    public void decr(DmPdev p) {
        if (--p.refCnt == 0) {
            list.remove(p);
        }
    }

    /** The pdevs currently open, most recent first (tests). */
    public List<DmPdev> snapshot() {
        return List.copyOf(list);
    }
}
