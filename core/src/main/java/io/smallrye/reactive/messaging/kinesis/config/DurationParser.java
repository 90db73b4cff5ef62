package io.smallrye.reactive.messaging.kinesis.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads duration attributes: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, ISO-8601 ({@code PT0.5S}), or a
 * plain number of milliseconds.
 */
public final class DurationParser {

    private DurationParser() {
    }

    /**
     * @return the duration, or {@code null} if the text is not a duration
     */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            char unit = value.charAt(value.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofMillis(Long.parseLong(value));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1).trim());
            switch (unit) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                default:
                    return null;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }
}
