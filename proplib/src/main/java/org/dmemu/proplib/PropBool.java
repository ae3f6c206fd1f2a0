package org.dmemu.proplib;

/**
 * Emulates prop_bool.c: the two shared boolean singletons.
 *
 * <p>Differences from NetBSD: none.
 */
public enum PropBool implements PropObject {
    FALSE,
    TRUE;

    /** {@code prop_bool_create(v)}: the shared singleton for {@code v}. */
    public static PropBool of(boolean v) {
        return v ? TRUE : FALSE;
    }

    /** {@code prop_bool_true()}. */
    public boolean value() {
        return this == TRUE;
    }

    @Override
    public PropType type() {
        return PropType.BOOL;
    }
}
