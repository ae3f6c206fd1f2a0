package org.dmemu.disklabel.tool;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason of a failed host file operation, worded as {@code strerror(3)} words it
 * ("No such file or directory"), without the path the JDK repeats in its messages, so a tool can
 * print {@code PROG: FILE: REASON} once.
 *
 * <p>Differences from NetBSD: host-side helper of the dmemu tools.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** The reason alone: "No such file or directory", "Is a directory", "Permission denied"… */
    public static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof FileNotFoundException) {
            // RandomAccessFile and FileInputStream: "PATH (REASON)"
            int open = m.lastIndexOf(" (");
            if (open >= 0 && m.endsWith(")")) {
                return m.substring(open + 2, m.length() - 1);
            }
        }
        return m;
    }

    /** {@code reason(e)} of an I/O failure, or the message of any other exception. */
    public static String reason(IOException e) {
        return reason((Exception) e);
    }
}
