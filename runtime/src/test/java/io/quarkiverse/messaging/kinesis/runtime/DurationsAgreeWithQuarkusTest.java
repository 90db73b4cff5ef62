package io.quarkiverse.messaging.kinesis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.reactive.messaging.kinesis.config.DurationParser;

/**
 * The connector's duration attributes (read by the core, which cannot use Quarkus) mean what the same text means in a
 * Quarkus {@code Duration} setting: the core's parser and Quarkus's converter agree on every value, and reject the same.
 */
class DurationsAgreeWithQuarkusTest {

    private static final String[] ACCEPTED = { "60", "+5", "0", " 7 ", "500ms", "500MS", "2s", "2S", "3m", "3M", "4h",
            "1d", "1D", "1.5s", "0.25S", "1h30m", "1m30s", "PT0.5S", "pt5s", "P1D", "P1DT2H", "-PT5S", "+P1D", "-1s",
            "-5" };
    private static final String[] REJECTED = { "soon", "1.5", "0.5m", "1.5d", "5 s", "1h 30m", "1d2h", "10 ms", "1w",
            "-pt5s" };

    @Test
    void acceptedValuesMeanTheSameDuration() {
        for (String text : ACCEPTED) {
            Duration quarkus = DurationConverter.parseDuration(text);
            assertThat(DurationParser.parse(text)).as(text).isNotNull().isEqualTo(quarkus);
        }
    }

    @Test
    void valuesQuarkusRejectsAreRejected() {
        for (String text : REJECTED) {
            assertThatThrownBy(() -> DurationConverter.parseDuration(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(DurationParser.parse(text)).as(text).isNull();
        }
    }
}
