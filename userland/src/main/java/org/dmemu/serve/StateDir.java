package org.dmemu.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.dmemu.disklabel.tool.MkdiskTool;
import org.dmemu.kern.DiskSpec;

/**
 * The state directory of {@code dmemu serve}: the default disks {@code wd0.img} and
 * {@code wd1.img} (256 MiB each, sparse), created on first run with an MBR holding one NetBSD
 * partition at sector 63 and a disklabel with an {@code a} partition, the control socket, the
 * NBD socket and the lock file.
 *
 * <p>Nothing in it is trusted blindly, as ssh's {@code StrictModes} trusts nothing in
 * {@code ~/.ssh}:
 * <ul>
 * <li>the directory must be owned by the invoking user and not writable by group or others
 * ({@link #check}); a missing one is created 0700;</li>
 * <li>{@code STATE/lock} is locked exclusively for the daemon's life and holds its pid
 * ({@link #lock}), so a second daemon on the same directory stops before creating anything;</li>
 * <li>every image file is opened without following symlinks, must be a regular file owned by
 * the user, and is locked exclusively (as qemu locks its images) for the daemon's life
 * ({@link #lockImages});</li>
 * <li>new images are created 0600, inside a private directory, and only then moved into place.</li>
 * </ul>
 * Every refusal is a {@link Refused}: one line naming the file and the reason.
 *
 * <p>Differences from NetBSD: the disks are host image files.
 */
public final class StateDir {
    /** Size of each default disk image. */
    public static final long DEFAULT_DISK_BYTES = 256L * 1024 * 1024;
    /** The lock file's name inside the state directory. */
    static final String LOCK = "lock";

    private StateDir() {
    }

    /** A state directory, lock or image that {@code serve} will not use: the one-line reason. */
    public static final class Refused extends IOException {
        Refused(String msg) {
            super(msg);
        }
    }

    /**
     * Checks (and creates, 0700, if missing) the state directory; returns its absolute path.
     *
     * @throws Refused not a directory, not owned by the invoking user, or writable by group/others
     */
    static Path check(Path state) throws IOException {
        return check(state, new boolean[1]);
    }

    /** As {@link #check(Path)}; {@code created[0]} tells whether this call created the directory. */
    static Path check(Path state, boolean[] created) throws IOException {
        Path abs = state.toAbsolutePath();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(abs)) {
            Path parent = abs.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new Refused(abs + ": cannot create the state directory: " + parent
                        + (Files.exists(parent) ? " is not a directory" : " does not exist"));
            }
            Files.createDirectory(abs,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            created[0] = true;
        }
        Path real;
        try {
            real = abs.toRealPath();
        } catch (NoSuchFileException e) {
            throw new Refused(abs + ": state directory: no such file or directory (a dangling symlink)");
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(abs + ": state directory: not a directory");
        }
        long uid = HostFiles.uid();
        long owner = HostFiles.owner(real);
        if (owner != uid) {
            throw new Refused(abs + ": state directory is owned by uid " + owner + ", not by you (uid " + uid
                    + "); use a directory of your own");
        }
        int mode = HostFiles.mode(real);
        if ((mode & 022) != 0) {
            throw new Refused(abs + ": state directory is writable by " + ((mode & 020) != 0 ? "group" : "others")
                    + " (mode " + String.format("%04o", mode) + "); run: chmod go-w " + abs);
        }
        return abs;
    }

    /**
     * Locks {@code STATE/lock} exclusively and writes the pid into it; the returned lock is held
     * until the daemon stops.
     *
     * @throws Refused another process holds it
     */
    static FileLock lock(Path state) throws IOException {
        Path p = state.resolve(LOCK);
        FileChannel ch = openOwned(p, true);
        FileLock l;
        try {
            l = HostFiles.tryLock(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            String who = HostFiles.holder(p);
            ch.close();
            throw new Refused(state + " is in use by " + who + " (another dmemu serve holds " + p + ")");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return l;
    }

    /** Creates the missing default images and returns the disk specs for wd0 and wd1. */
    static List<DiskSpec> defaultDisks(Path state, PrintStream out) throws IOException {
        DiskSpec[] specs = new DiskSpec[2];
        for (int unit = 0; unit < 2; unit++) {
            Path img = state.resolve("wd" + unit + ".img").toAbsolutePath();
            if (!Files.exists(img, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(img)) {
                createImage(img, DEFAULT_DISK_BYTES);
                out.println("dmemu serve: created " + img + " (256 MiB, MBR + disklabel)");
            }
            specs[unit] = new DiskSpec("wd" + unit, "file:" + img, 512);
        }
        return List.of(specs);
    }

    /**
     * A sparse image of {@code bytes} bytes with an MBR (NetBSD partition at 63) and a
     * disklabel, made by the disklabel module's {@code dmemu mkdisk IMAGE --size N --mbr} inside a
     * fresh 0700 directory, made 0600, then moved to {@code img}.
     */
    static void createImage(Path img, long bytes) throws IOException {
        Path priv = Files.createTempDirectory(img.getParent(), ".mkdisk-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = priv.resolve(img.getFileName());
        try {
            ByteArrayOutputStream diag = new ByteArrayOutputStream();
            PrintStream p = new PrintStream(diag, true, StandardCharsets.UTF_8);
            int rc = MkdiskTool.run(new String[] {tmp.toString(), "--size", (bytes / 512) + "s", "--mbr"},
                    InputStream.nullInputStream(), p, p);
            if (rc != 0) {
                throw new IOException(diag.toString(StandardCharsets.UTF_8).trim());
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, img);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(priv);
        }
    }

    /**
     * Opens every {@code file:} image of {@code disks} without following symlinks, checks that
     * it is a regular file owned by the invoking user, and locks it exclusively. The returned
     * locks (their channels stay open) are held until the daemon stops; on a refusal every lock
     * taken so far is released.
     *
     * @throws Refused a missing, foreign, non-regular or locked image
     */
    static List<FileLock> lockImages(List<DiskSpec> disks) throws IOException {
        List<FileLock> locks = new ArrayList<>();
        try {
            for (DiskSpec d : disks) {
                if (!d.source().startsWith("file:")) {
                    continue;
                }
                Path p = Path.of(d.source().substring(5)).toAbsolutePath();
                FileChannel ch = openOwned(p, false);
                FileLock l;
                try {
                    l = HostFiles.tryLock(ch);
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                if (l == null) {
                    String who = HostFiles.holder(p);
                    ch.close();
                    throw new Refused(p + ": disk " + d.unit() + " is locked by " + who
                            + " (another dmemu serve or a qemu using the image)");
                }
                locks.add(l);
            }
            return locks;
        } catch (IOException | RuntimeException e) {
            release(locks);
            throw e;
        }
    }

    /**
     * Removes a state directory this run created, with what it put there (the lock, images,
     * sockets), after a refused start; best effort.
     */
    static void removeFresh(Path state) {
        try (var files = Files.list(state)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(state);
        } catch (IOException ignored) {
            // nothing more to do: the directory was never usable
        }
    }

    /** Releases the locks and closes their channels. */
    static void release(List<FileLock> locks) {
        for (FileLock l : locks) {
            try {
                l.channel().close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing more to do
            }
        }
    }

    /**
     * Opens {@code p} read-write with {@code O_NOFOLLOW} (creating it 0600 if {@code create}),
     * and checks that it is a regular file owned by the invoking user.
     */
    private static FileChannel openOwned(Path p, boolean create) throws IOException {
        if (Files.isSymbolicLink(p)) {
            throw new Refused(p + ": is a symbolic link (not followed; give the file itself)");
        }
        FileChannel ch;
        try {
            ch = create
                    ? FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Refused(p + ": no such file or directory");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Refused(p + ": permission denied");
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            throw new Refused(p + ": " + (m.contains("symbolic") || m.contains("ELOOP") || m.contains("Too many levels")
                    ? "is a symbolic link (not followed; give the file itself)"
                    : Files.isDirectory(p) ? "is a directory, not an image file" : m));
        }
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(p + ": not a regular file");
            }
            long uid = HostFiles.uid();
            long owner = HostFiles.owner(p);
            if (owner != uid) {
                throw new Refused(p + ": owned by uid " + owner + ", not by you (uid " + uid + ")");
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Warnings for images that boot but are damaged: empty, shorter than one sector, or not a
     * whole number of sectors (the tail cannot be addressed). One line per disk, or none.
     */
    static List<String> damage(List<DiskSpec> disks) {
        List<String> w = new ArrayList<>();
        for (DiskSpec d : disks) {
            if (!d.source().startsWith("file:")) {
                continue;
            }
            Path p = Path.of(d.source().substring(5));
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                continue;
            }
            int ss = d.secsize();
            String what = null;
            if (size == 0) {
                what = "the image is empty (0 bytes): the disk has no sectors and every I/O fails";
            } else if (size < ss) {
                what = "the image is " + size + " bytes, less than one " + ss + "-byte sector: the disk has no sectors";
            } else if (size % ss != 0) {
                what = "the image is " + size + " bytes, not a multiple of the sector size " + ss + ": the last "
                        + (size % ss) + " bytes cannot be addressed";
            }
            if (what != null) {
                w.add("dmemu serve: warning: disk " + d.unit() + " (" + p + "): " + what);
            }
        }
        return w;
    }
}
