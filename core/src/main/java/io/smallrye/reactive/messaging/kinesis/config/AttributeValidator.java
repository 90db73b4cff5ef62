package io.smallrye.reactive.messaging.kinesis.config;

import java.time.Duration;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * Checks channel attribute values and fails with the attribute name and the allowed range.
 */
public final class AttributeValidator {

    private final String channel;

    public AttributeValidator(String channel) {
        this.channel = channel;
    }

    public Duration positiveDuration(String attribute, String value) {
        Duration duration = DurationParser.parse(value);
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw KinesisExceptions.ex.invalidAttribute(channel, attribute, value,
                    "a positive duration such as " + DurationParser.FORMS);
        }
        return duration;
    }

    public int intInRange(String attribute, int value, int min, int max) {
        if (value < min || value > max) {
            throw KinesisExceptions.ex.invalidAttribute(channel, attribute, String.valueOf(value),
                    "an integer from " + min + " to " + max);
        }
        return value;
    }

    public long longInRange(String attribute, long value, long min, long max) {
        if (value < min || value > max) {
            throw KinesisExceptions.ex.invalidAttribute(channel, attribute, String.valueOf(value),
                    "an integer from " + min + " to " + max);
        }
        return value;
    }

    public <E extends Enum<E>> E enumValue(String attribute, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder("one of");
        for (E constant : type.getEnumConstants()) {
            allowed.append(' ').append(constant.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw KinesisExceptions.ex.invalidAttribute(channel, attribute, value, allowed.toString());
    }
}
