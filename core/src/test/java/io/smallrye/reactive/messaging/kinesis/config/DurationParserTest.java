package io.smallrye.reactive.messaging.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Durations read as Quarkus reads them (runtime's DurationsAgreeWithQuarkusTest compares the two directly). */
class DurationParserTest {

    @Test
    void aBareNumberIsANumberOfSeconds() {
        assertThat(DurationParser.parse("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(DurationParser.parse(" 5 ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationParser.parse("+5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationParser.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void unitsMsSecondsMinutesHoursAndDaysInAnyCase() {
        assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("500MS")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationParser.parse("2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationParser.parse("3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(DurationParser.parse("4h")).isEqualTo(Duration.ofHours(4));
        assertThat(DurationParser.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationParser.parse("1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void decimalSecondsAndCombinedUnitsAreTheTimePartOfIso8601() {
        assertThat(DurationParser.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationParser.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void iso8601InAnyCase() {
        assertThat(DurationParser.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("pt5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationParser.parse("P1D")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationParser.parse("P1DT2H")).isEqualTo(Duration.ofHours(26));
    }

    @Test
    void otherTextIsNotADuration() {
        for (String text : new String[] { "", "  ", "soon", "1.5", "0.5m", "1.5d", "5 s", "1h 30m", "1d2h", "ms", "s",
                "10 ms", "1w", "99999999999999999999", "999999999999999d" }) {
            assertThat(DurationParser.parse(text)).as(text).isNull();
        }
    }

    @Test
    void anInvalidAttributeNamesTheChannelTheAttributeTheValueAndTheAcceptedForms() {
        AttributeValidator check = new AttributeValidator("orders");
        assertThat(check.positiveDuration("poll-interval", "2")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> check.positiveDuration("poll-interval", "2 seconds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("SRKIN2000", "'orders'", "'poll-interval'", "'2 seconds'", "positive duration",
                        "500ms", "2s", "1m", "1h", "1d", "PT0.5S", "bare number of seconds");
        assertThatThrownBy(() -> check.positiveDuration("checkpoint-interval", "0"))
                .hasMessageContainingAll("'checkpoint-interval'", "'0'", "positive duration");
        assertThatThrownBy(() -> check.positiveDuration("checkpoint-interval", "-1s"))
                .hasMessageContainingAll("'checkpoint-interval'", "'-1s'", "positive duration");
    }
}
