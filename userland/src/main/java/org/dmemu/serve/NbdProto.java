package org.dmemu.serve;

import org.dmemu.sys.Errno;

/**
 * Constants of the NBD protocol (NetworkBlockDevice/nbd, doc/proto.md): fixed-newstyle
 * handshake, option haggling, simple and structured replies, the {@code base:allocation}
 * metadata context. Only what {@link NbdConnection} uses.
 *
 * <p>Differences from NetBSD: not a NetBSD interface; NetBSD has no NBD server. The errno
 * mapping in {@link #nbdError(Errno)} is ours.
 */
public final class NbdProto {
    private NbdProto() {
    }

    /** {@code NBDMAGIC}, the first 8 bytes the server sends. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    /** {@code IHAVEOPT}: the second 8 bytes of the greeting and the magic of every option. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** The magic of every option reply. */
    public static final long REPLY_MAGIC = 0x3e889045565a9L;
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    /** {@code NBD_STRUCTURED_REPLY_MAGIC}: the magic of every structured reply chunk. */
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    /** Handshake flags (server, u16). */
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 2;
    /** Client flags (u32). */
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 2;

    /** Options. */
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;
    public static final int OPT_LIST_META_CONTEXT = 9;
    public static final int OPT_SET_META_CONTEXT = 10;

    /** Option reply types. */
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_META_CONTEXT = 4;
    public static final int REP_ERR_UNSUP = 0x80000001;
    public static final int REP_ERR_POLICY = 0x80000002;
    public static final int REP_ERR_INVALID = 0x80000003;
    public static final int REP_ERR_UNKNOWN = 0x80000006;
    public static final int REP_ERR_TOO_BIG = 0x80000009;

    /** Information types of {@code NBD_REP_INFO}. */
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    /** Transmission flags (u16). */
    public static final int FLAG_HAS_FLAGS = 1;
    public static final int FLAG_READ_ONLY = 2;
    public static final int FLAG_SEND_FLUSH = 4;
    public static final int FLAG_SEND_FUA = 8;
    public static final int FLAG_SEND_TRIM = 32;
    public static final int FLAG_SEND_WRITE_ZEROES = 64;
    public static final int FLAG_CAN_MULTI_CONN = 256;
    public static final int FLAG_SEND_FAST_ZERO = 2048;

    /** Commands. */
    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_CACHE = 5;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;

    /** Command flags. */
    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 2;
    public static final int CMD_FLAG_DF = 4;
    public static final int CMD_FLAG_REQ_ONE = 8;
    public static final int CMD_FLAG_FAST_ZERO = 16;

    /** Structured reply chunk flags and types. */
    public static final int REPLY_FLAG_DONE = 1;
    public static final int REPLY_TYPE_NONE = 0;
    public static final int REPLY_TYPE_OFFSET_DATA = 1;
    public static final int REPLY_TYPE_OFFSET_HOLE = 2;
    public static final int REPLY_TYPE_BLOCK_STATUS = 5;
    public static final int REPLY_TYPE_ERROR = 0x8001;
    public static final int REPLY_TYPE_ERROR_OFFSET = 0x8002;

    /** The one metadata context served, and its id in this server. */
    public static final String CONTEXT_BASE_ALLOCATION = "base:allocation";
    public static final int CONTEXT_BASE_ALLOCATION_ID = 1;
    /** {@code base:allocation} states. */
    public static final int STATE_HOLE = 1;
    public static final int STATE_ZERO = 2;

    /** Error values of simple replies (Linux numbers, fixed by the protocol). */
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;

    /** The largest request payload served: the protocol's recommended 32 MiB. */
    public static final int MAX_REQUEST = 32 * 1024 * 1024;

    /**
     * Maps the NetBSD errno of a failed buf (or cache sync) to the NBD error value: EIO→EIO,
     * EROFS/EPERM/EACCES→EPERM, EINVAL→EINVAL, ENOSPC→ENOSPC, ENOMEM→ENOMEM,
     * EOVERFLOW→EOVERFLOW, ENOTSUP/EOPNOTSUPP/ENODEV/ENOTTY→ENOTSUP, anything else→EIO.
     */
    public static int nbdError(Errno e) {
        return switch (e) {
            case NONE -> 0;
            case EPERM, EROFS, EACCES -> EPERM;
            case EINVAL -> EINVAL;
            case ENOSPC -> ENOSPC;
            case ENOMEM -> ENOMEM;
            case EOVERFLOW -> EOVERFLOW;
            case ENOTSUP, EOPNOTSUPP, ENODEV, ENOTTY -> ENOTSUP;
            default -> EIO;
        };
    }
}
