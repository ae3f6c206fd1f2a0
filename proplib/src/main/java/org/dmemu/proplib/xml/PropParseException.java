package org.dmemu.proplib.xml;

/**
 * An internalization failure: the reason, and the byte offset in the input where it was found.
 * libprop itself only returns NULL; the reason and offset are dmemu's addition for the user.
 */
public final class PropParseException extends Exception {
    private final int offset;

    public PropParseException(String reason, int offset) {
        super(reason + " at byte " + offset);
        this.offset = offset;
    }

    /** The byte offset (0-based) at which the problem was found. */
    public int offset() {
        return offset;
    }
}
