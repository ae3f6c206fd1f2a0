package org.dmemu.cli;

/**
 * NetBSD's {@code strerror(3)} texts (lib/libc/gen/errlist.c) for the errno values the
 * userland tools can meet, so that {@code err(3)} messages read as on NetBSD.
 *
 * <p>Differences from NetBSD: only these values are known; others print
 * {@code Unknown error: N} as NetBSD does for numbers outside its list.
 */
public final class NetbsdStrerror {
    private NetbsdStrerror() {
    }

    public static String strerror(int errno) {
        return switch (errno) {
            case 0 -> "Undefined error: 0";
            case 1 -> "Operation not permitted";
            case 2 -> "No such file or directory";
            case 5 -> "Input/output error";
            case 6 -> "Device not configured";
            case 7 -> "Argument list too long";
            case 9 -> "Bad file descriptor";
            case 12 -> "Cannot allocate memory";
            case 13 -> "Permission denied";
            case 14 -> "Bad address";
            case 16 -> "Device busy";
            case 17 -> "File exists";
            case 19 -> "Operation not supported by device";
            case 22 -> "Invalid argument";
            case 25 -> "Inappropriate ioctl for device";
            case 28 -> "No space left on device";
            case 30 -> "Read-only file system";
            case 32 -> "Broken pipe";
            case 54 -> "Connection reset by peer";
            case 61 -> "Connection refused";
            case 86 -> "Not supported";
            default -> "Unknown error: " + errno;
        };
    }
}
