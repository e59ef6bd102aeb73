package dev.autoj.engine.protocol;

/**
 * A judged text (query, response, baseline) holds a lone UTF-16 surrogate: half of a character
 * that cannot be encoded as UTF-8. Sending it would silently turn it into {@code ?} (so that
 * {@code "Par\uD800is"} and {@code "Par?is"} would be the same prompt and share a store key), so
 * the text is refused where it enters autoj. Usually the text was cut in the middle of an emoji
 * or another character outside the Basic Multilingual Plane.
 */
public class UnencodableTextException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int index;

    public UnencodableTextException(String field, int index, char surrogate) {
        super(field + " holds an unpaired UTF-16 surrogate U+" + String.format("%04X", (int) surrogate)
                + " at character index " + index + ", which cannot be encoded as UTF-8 (it would be sent and stored as"
                + " '?'). The text was probably cut in the middle of an emoji or other character; pass whole characters"
                + " (check how the text was truncated or decoded).");
        this.index = index;
    }

    /** The index of the lone surrogate in the text, in UTF-16 chars ({@link String#charAt}). */
    public int index() {
        return index;
    }

    /**
     * Refuses a text that holds an unpaired surrogate; null passes (callers check null themselves).
     *
     * @param field the text's name, starting the message, e.g. {@code "The baseline"}
     * @throws UnencodableTextException naming the field and the index of the first lone surrogate
     */
    public static void requireEncodable(String field, String text) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new UnencodableTextException(field, i, c);
            }
            if (Character.isLowSurrogate(c)) {
                throw new UnencodableTextException(field, i, c);
            }
        }
    }
}
