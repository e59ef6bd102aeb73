package dev.autoj.engine.internal;

/**
 * The null checks of a record's compact constructor, one line per record: a null component throws
 * {@link NullPointerException} whose message is the component's name, as
 * {@link java.util.Objects#requireNonNull(Object, String)} would. Not API.
 *
 * <pre>{@code
 * public RecordedAnswer {
 *     Components.requireNonNull("key request answer", key, request, answer);
 * }
 * }</pre>
 */
public final class Components {

    private Components() {
    }

    /**
     * @param names the components' names, separated by spaces, in the order of {@code values}
     * @param values the components
     * @throws NullPointerException with the name of the first null component
     * @throws IllegalArgumentException when there are not as many names as values (a programming error)
     */
    public static void requireNonNull(String names, Object... values) {
        String[] name = names.split(" ");
        if (name.length != values.length) {
            throw new IllegalArgumentException(name.length + " names for " + values.length + " components: " + names);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new NullPointerException(name[i]);
            }
        }
    }
}
