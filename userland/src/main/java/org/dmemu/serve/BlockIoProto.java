package org.dmemu.serve;

/**
 * The block-I/O socket of {@code dmemu serve}: how the {@code dmemu exec} preload library
 * (preload/ in this repository) reads and writes the emulated disk nodes
 * ({@code /dev/mapper/NAME}, {@code /dev/rmapper/NAME}, {@code /dev/wd1a}, {@code /dev/rwd1d} …).
 * It is a second owner-only Unix socket next to the control socket, at
 * {@code CONTROL-PATH.bio}; the control socket itself is unchanged.
 *
 * <p>Framing (all integers big-endian). Request: a 32-byte header
 * <pre>
 *   u32 op, u32 arg, u64 token, u64 offset, u32 count, u32 payload-length
 * </pre>
 * then the payload. Reply: a 16-byte header
 * <pre>
 *   i32 errno (NetBSD numbers, 0 = success), u32 payload-length, u64 value
 * </pre>
 * then the payload. Any number of frames per connection.
 *
 * <p>An open file: {@link #OP_OPEN} on a connection creates an open file description (the
 * kernel's {@code struct file}) and answers its token in {@code value}. The description lives
 * exactly as long as that connection: the preload library hands the connected socket to the
 * program as its file descriptor, so {@code dup}, {@code fork} and {@code close} act on it as the
 * kernel acts on a file, and the device's close routine runs when the last descriptor is gone
 * (the daemon sees end-of-file; {@link #OP_CLOSED} lets the library make that synchronous). Requests on the description ({@code READ}, {@code WRITE},
 * {@code SEEK}, {@code IOCTL}, {@code FSYNC}) carry the token and may arrive on any connection
 * (the library uses one private connection per process, so forked processes never share a
 * reply stream). The file offset is kept here, in the description, so it is shared after
 * {@code dup} and {@code fork} as on NetBSD.
 *
 * <p>Differences from NetBSD: not a kernel interface; NetBSD programs make these system calls.
 */
public final class BlockIoProto {
    private BlockIoProto() {
    }

    /** Request header size. */
    public static final int REQUEST_HEADER = 32;
    /** Reply header size. */
    public static final int REPLY_HEADER = 16;
    /** Largest payload or transfer in one frame; the library splits longer transfers. */
    public static final int MAX_IO = 1024 * 1024;
    /** Longest path accepted. */
    public static final int MAX_PATH = 1024;

    /**
     * {@code stat(2)} of a node: payload = path (or empty with a token: {@code fstat}). Reply
     * payload: u32 type ({@link #TYPE_BLK}/{@link #TYPE_CHR}), u32 major, u32 minor (NetBSD's).
     */
    public static final int OP_STAT = 1;
    /**
     * {@code open(2)}: payload = path (as the program spelled it, made absolute), arg = NetBSD
     * {@code FREAD|FWRITE} bits, token = the token the client wants for the file (0: the daemon
     * picks one; one already in use: EEXIST). Reply: value = token, payload = the node's stat
     * (as {@link #OP_STAT}).
     */
    public static final int OP_OPEN = 2;
    /** {@code read(2)} (arg bit 0 clear) or {@code pread(2)} (set, at offset) of count bytes. */
    public static final int OP_READ = 3;
    /** {@code write(2)} or {@code pwrite(2)} of the payload; value = bytes written. */
    public static final int OP_WRITE = 4;
    /** {@code lseek(2)}: offset, arg = whence (0 SET, 1 CUR, 2 END); value = new offset. */
    public static final int OP_SEEK = 5;
    /**
     * {@code ioctl(2)}: arg = the LP64 command, payload = the argument buffer copied in; reply
     * payload = what the ioctl copied out.
     */
    public static final int OP_IOCTL = 6;
    /** {@code fsync(2)}: {@code DIOCCACHESYNC} of the device. */
    public static final int OP_FSYNC = 7;

    /**
     * After the program closed a descriptor of the file {@code token}: if that was the last one
     * (the file's connection is at end-of-file), the file is closed before the reply, so a
     * {@code close} is as synchronous as NetBSD's; value = 1 if it was closed.
     */
    public static final int OP_CLOSED = 8;

    /** Stat type: a block device node. */
    public static final int TYPE_BLK = 1;
    /** Stat type: a character device node. */
    public static final int TYPE_CHR = 2;

    /** NetBSD's {@code FREAD}. */
    public static final int FREAD = 1;
    /** NetBSD's {@code FWRITE}. */
    public static final int FWRITE = 2;
}
