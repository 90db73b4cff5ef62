package io.smallrye.reactive.messaging.kinesis.tracing;

import java.util.Locale;

/** The values of the {@code tracing-propagation} attribute of outgoing channels. */
public enum TracingPropagation {
    /** Records are exactly the data the application sent. */
    NONE,
    /** Each (user) record is a {@link TraceEnvelope} carrying the producer span's W3C trace context. */
    ENVELOPE;

    public String attributeValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
