package io.smallrye.reactive.messaging.kinesis.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Reads duration attributes as Quarkus reads {@code java.time.Duration} configuration values (its
 * {@code DurationConverter}), so that one {@code application.properties} means one thing: a bare number is a number of
 * <em>seconds</em>; a whole number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (any case);
 * {@code 1.5s} or {@code 1h30m} (read as ISO-8601 after {@code PT}); or ISO-8601 itself ({@code PT0.5S}, {@code P1D}).
 * Spaces around the value are ignored, spaces inside it are not accepted.
 */
public final class DurationParser {

    /** The accepted forms, for error messages ("a positive duration such as " + FORMS). */
    public static final String FORMS = "500ms, 2s, 1m or PT0.5S (also 1h, 1d, P1D, or a bare number of seconds)";

    private DurationParser() {
    }

    /**
     * @return the duration, or {@code null} if the text is not a duration
     */
    public static Duration parse(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (isInteger(value)) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            int length = value.length();
            char unit = Character.toLowerCase(value.charAt(length - 1));
            String amount = value.substring(0, length - 1);
            if (isInteger(amount)) {
                switch (unit) {
                    case 's':
                        return Duration.ofSeconds(Long.parseLong(amount));
                    case 'm':
                        return Duration.ofMinutes(Long.parseLong(amount));
                    case 'h':
                        return Duration.ofHours(Long.parseLong(amount));
                    case 'd':
                        return Duration.ofDays(Long.parseLong(amount));
                    default:
                        return null;
                }
            }
            if (unit == 's' && length > 2 && Character.toLowerCase(value.charAt(length - 2)) == 'm'
                    && isInteger(value.substring(0, length - 2))) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, length - 2)));
            }
            // 1.5s, 1h30m: the time part of an ISO-8601 duration
            return Duration.parse(startsLikeNumber(value) ? "PT" + value : value);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    private static boolean isInteger(String text) {
        int start = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
        if (start == text.length()) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A digit, or a sign not followed by the {@code P} of an ISO-8601 duration ({@code -PT5S}). */
    private static boolean startsLikeNumber(String value) {
        char first = value.charAt(0);
        if (first == '-' || first == '+') {
            return value.length() > 1 && value.charAt(1) != 'P';
        }
        return first >= '0' && first <= '9';
    }
}
