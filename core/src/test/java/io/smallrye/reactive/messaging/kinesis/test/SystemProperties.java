package io.smallrye.reactive.messaging.kinesis.test;

import java.util.HashMap;
import java.util.Map;

/** System properties set for a while, then put back as they were (absent ones removed). */
public final class SystemProperties {

    private final Map<String, String> previous = new HashMap<>();

    private SystemProperties() {
    }

    public static SystemProperties set(Map<String, String> properties) {
        SystemProperties saved = new SystemProperties();
        properties.forEach((key, value) -> {
            saved.previous.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
        return saved;
    }

    public void restore() {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }
}
