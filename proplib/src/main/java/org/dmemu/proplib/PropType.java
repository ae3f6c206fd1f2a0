package org.dmemu.proplib;

/**
 * Emulates {@code prop_type_t} (common/include/prop/prop_object.h): the type tag of an object,
 * with the XML element name each type is externalized under.
 *
 * <p>Differences from NetBSD: the dictionary keysym type is not modelled; keys are byte strings.
 */
public enum PropType {
    BOOL("bool"),
    NUMBER("integer"),
    STRING("string"),
    DATA("data"),
    ARRAY("array"),
    DICTIONARY("dict");

    private final String xmlTag;

    PropType(String xmlTag) {
        this.xmlTag = xmlTag;
    }

    /** The XML element name (for bool the value decides: {@code true} or {@code false}). */
    public String xmlTag() {
        return xmlTag;
    }
}
