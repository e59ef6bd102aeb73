package dev.autoj.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names of the variables set with {@code autoj.server.env.NAME} (or {@code AUTOJ_SERVER_ENV_NAME}).
 * JUnit answers configuration parameters by key only, so the names are gathered where they can be
 * listed: system properties, {@code junit-platform.properties} and the environment. A parameter given
 * only to the launcher (e.g. Surefire's {@code configurationParameters}) cannot be listed; docs say so.
 */
final class ServerEnvironment {

    static final String PROPERTY_PREFIX = Settings.PREFIX + "server.env.";
    static final String ENVIRONMENT_PREFIX = "AUTOJ_SERVER_ENV_";

    private ServerEnvironment() {
    }

    static Set<String> visibleNames() {
        Set<String> names = new TreeSet<>();
        addNames(System.getProperties().stringPropertyNames(), PROPERTY_PREFIX, names);
        addNames(junitPlatformProperties().stringPropertyNames(), PROPERTY_PREFIX, names);
        addNames(System.getenv().keySet(), ENVIRONMENT_PREFIX, names);
        return names;
    }

    private static void addNames(Set<String> keys, String prefix, Set<String> names) {
        for (String key : keys) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                names.add(key.substring(prefix.length()));
            }
        }
    }

    private static Properties junitPlatformProperties() {
        Properties properties = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : ServerEnvironment.class.getClassLoader())
                .getResourceAsStream("junit-platform.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read junit-platform.properties to list the autoj.server.env.* keys", e);
        }
        return properties;
    }
}
