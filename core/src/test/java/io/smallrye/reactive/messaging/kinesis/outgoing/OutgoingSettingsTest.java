package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Validation of the outgoing attributes, read through the generated KinesisConnectorOutgoingConfiguration.
 */
class OutgoingSettingsTest {

    private static final String CHANNEL = "orders";

    private static OutgoingSettings settings(String... attributes) {
        Map<String, String> map = new HashMap<>();
        for (String attribute : attributes) {
            int eq = attribute.indexOf('=');
            map.put(attribute.substring(0, eq), attribute.substring(eq + 1));
        }
        return OutgoingSettings.from(ChannelHarness.configuration(CHANNEL, map));
    }

    @Test
    void defaults() {
        OutgoingSettings settings = settings();

        assertThat(settings.channel()).isEqualTo(CHANNEL);
        assertThat(settings.stream()).isEqualTo(CHANNEL);
        assertThat(settings.bufferTime()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.maxBatchRecords()).isEqualTo(500);
        assertThat(settings.maxBatchBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxRecordBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxInFlight()).isEqualTo(5);
        assertThat(settings.maxBufferedRecords()).isEqualTo(10_000);
        assertThat(settings.maxBufferedBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(settings.maxRetries()).isEqualTo(8);
        assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.ordering()).isEqualTo(Ordering.STRICT);
        assertThat(settings.healthEnabled()).isTrue();
    }

    @Test
    void valuesAtTheLimitsAndEveryDurationForm() {
        OutgoingSettings settings = settings("stream=events", "buffer-time=PT0.25S", "max-batch-records=500",
                "max-batch-bytes=10485760", "max-record-bytes=10485760", "max-buffered-bytes=10485760",
                "retry-backoff=2s", "max-retry-backoff=1m", "shutdown-timeout=1500ms", "ordering=RELAXED",
                "health-enabled=false");

        assertThat(settings.stream()).isEqualTo("events");
        assertThat(settings.bufferTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.maxBatchRecords()).isEqualTo(500);
        assertThat(settings.maxBatchBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.maxRecordBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.maxBufferedBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.maxRetryBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.ordering()).isEqualTo(Ordering.RELAXED);
        assertThat(settings.healthEnabled()).isFalse();
        assertThat(settings("buffer-time=1h", "max-batch-records=1", "ordering=none").bufferTime())
                .isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "buffer-time         | 0         | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "buffer-time         | -1s       | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "buffer-time         | abc       | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "buffer-time         | PT-1S     | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "retry-backoff       | 0ms       | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "shutdown-timeout    | 5 parsecs | a positive duration such as 500ms, 2s, 1m or PT0.5S",
            "max-batch-records   | 501       | an integer from 1 to 500",
            "max-batch-records   | 0         | an integer from 1 to 500",
            "max-batch-bytes     | 10485761  | an integer from 1 to 10485760",
            "max-batch-bytes     | 0         | an integer from 1 to 10485760",
            "max-record-bytes    | 10485761  | an integer from 1 to 10485760",
            "max-buffered-bytes  | 1048575   | an integer from 1048576 to 9223372036854775807",
            "max-buffered-records| 0         | an integer from 1 to 2147483647",
            "max-in-flight       | 0         | an integer from 1 to 1000",
            "max-retries         | -1        | an integer from 0 to 1000",
            "ordering            | sometimes | one of strict relaxed none",
    })
    void anInvalidValueIsRejectedNamingTheAttributeAndWhatIsAllowed(String attribute, String value, String allowed) {
        assertThatThrownBy(() -> settings(attribute + "=" + value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel '" + CHANNEL + "'")
                .hasMessageContaining("'" + attribute + "' is '" + value + "'")
                .hasMessageContaining("allowed: " + allowed);
    }

    @Test
    void maxBufferedBytesMustHoldTheLargestRecord() {
        assertThatThrownBy(() -> settings("max-record-bytes=2000", "max-buffered-bytes=1999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'max-buffered-bytes' is '1999'")
                .hasMessageContaining("an integer from 2000 to");
        assertThat(settings("max-record-bytes=2000", "max-buffered-bytes=2000").maxBufferedBytes()).isEqualTo(2000);
    }

    @Test
    void maxRetryBackoffMustNotBeShorterThanRetryBackoff() {
        assertThatThrownBy(() -> settings("retry-backoff=1s", "max-retry-backoff=500ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'max-retry-backoff' is '500ms'")
                .hasMessageContaining("a duration not shorter than retry-backoff (1s)");
        assertThat(settings("retry-backoff=1s", "max-retry-backoff=1000ms").maxRetryBackoff())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aggregationDefaults() {
        OutgoingSettings settings = settings("aggregation=true");

        assertThat(settings.aggregation()).isTrue();
        assertThat(settings.aggregationMaxBytes()).isEqualTo(51200);
        assertThat(settings().aggregation()).isFalse();
    }

    @Test
    void aggregationMaxBytesMustNotExceedMaxRecordBytesWhenAggregating() {
        assertThatThrownBy(() -> settings("aggregation=true", "max-record-bytes=1000", "aggregation-max-bytes=2000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel '" + CHANNEL + "'")
                .hasMessageContaining("'aggregation-max-bytes' is '2000'")
                .hasMessageContaining("max-record-bytes")
                .hasMessageContaining("1000");
        // the default aggregation-max-bytes (51200) is too large for max-record-bytes=1000 too
        assertThatThrownBy(() -> settings("aggregation=true", "max-record-bytes=1000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'aggregation-max-bytes' is '51200'")
                .hasMessageContaining("max-record-bytes");
        assertThat(settings("aggregation=true", "max-record-bytes=1000", "aggregation-max-bytes=1000")
                .aggregationMaxBytes()).isEqualTo(1000);
        assertThatThrownBy(() -> settings("aggregation=true", "aggregation-max-bytes=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'aggregation-max-bytes' is '0'");
    }

    @Test
    void aggregationMaxBytesIsNotCheckedWithoutAggregation() {
        OutgoingSettings settings = settings("aggregation=false", "max-record-bytes=1000");

        assertThat(settings.aggregation()).isFalse();
        assertThat(settings.maxRecordBytes()).isEqualTo(1000);
        assertThat(settings("max-record-bytes=1000").aggregation()).isFalse();
    }
}
