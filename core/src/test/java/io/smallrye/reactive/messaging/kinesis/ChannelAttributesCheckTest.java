package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Attributes of a channel that nothing reads: reported at start-up with the closest known name (warn), or failing the
 * start (fail), or not at all (ignore); and a channel without any region. No request is made: an outgoing channel
 * sends nothing until it gets a message.
 */
class ChannelAttributesCheckTest extends WeldTestBase {

    private static final String OUT = "mp.messaging.outgoing.orders-out.";
    private static final String CONNECTOR = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";
    private final Map<String, String> savedProperties = new HashMap<>();

    @BeforeEach
    void credentials() {
        setProperty("aws.accessKeyId", "id");
        setProperty("aws.secretAccessKey", "secret");
    }

    @AfterEach
    void restoreProperties() {
        savedProperties.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    private void setProperty(String key, String value) {
        savedProperties.putIfAbsent(key, System.getProperty(key));
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static MapBasedConfig outgoing() {
        return new MapBasedConfig()
                .with(OUT + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(OUT + "stream", "orders")
                .with(OUT + "region", "eu-west-1")
                .with(OUT + "endpoint-override", "http://127.0.0.1:9");
    }

    @Test
    void aMistypedAttributeIsWarnedWithTheClosestKnownName() {
        try (LogCapture logs = LogCapture.start()) {
            runApplication(outgoing().with(OUT + "buffer-tme", "1s").with(OUT + "buffer-time", "2s"), Sender.class);

            assertThat(logs.containing("SRKIN1500")).singleElement().satisfies(line -> assertThat(line)
                    .contains("Channel 'orders-out': unknown attribute 'buffer-tme' (did you mean 'buffer-time'?)")
                    .contains(OUT + "buffer-tme"));
        }
    }

    @Test
    void anIncomingOnlyAttributeOnAnOutgoingChannelIsWarned() {
        try (LogCapture logs = LogCapture.start()) {
            runApplication(outgoing().with(OUT + "starting-position", "trim_horizon"), Sender.class);

            assertThat(logs.containing("SRKIN1500")).singleElement().satisfies(line -> assertThat(line)
                    .contains("attribute 'starting-position' applies to incoming channels only")
                    .contains("outgoing channel"));
        }
    }

    @Test
    void connectorLevelAttributesOfEitherDirectionAreKnownAndUnknownOnesReported() {
        try (LogCapture logs = LogCapture.start()) {
            runApplication(outgoing()
                    .with(CONNECTOR + "starting-position", "trim_horizon")
                    .with(CONNECTOR + "poll-interval", "1s")
                    .with(CONNECTOR + "shutdown-timout", "5s"), Sender.class);

            assertThat(logs.containing("SRKIN1500")).singleElement().satisfies(line -> assertThat(line)
                    .contains("unknown attribute 'shutdown-timout' (did you mean 'shutdown-timeout'?)")
                    .contains(CONNECTOR + "shutdown-timout"));
        }
    }

    @Test
    void hostKeysAreKnown() {
        try (LogCapture logs = LogCapture.start()) {
            runApplication(outgoing().with(OUT + "merge", "true").with(OUT + "enabled", "true"), Sender.class);

            assertThat(logs.containing("SRKIN1500")).isEmpty();
        }
    }

    @Test
    void failStopsTheStartNamingEveryUnknownAttribute() {
        assertThatThrownBy(() -> runApplication(outgoing()
                .with(OUT + "unknown-attributes", "fail")
                .with(OUT + "buffer-tme", "1s")
                .with(OUT + "max-retires", "3"), Sender.class))
                .hasStackTraceContaining("SRKIN2500")
                .hasStackTraceContaining("Channel 'orders-out'")
                .hasStackTraceContaining("unknown attribute 'buffer-tme' (did you mean 'buffer-time'?)")
                .hasStackTraceContaining("unknown attribute 'max-retires' (did you mean 'max-retries'?)");
    }

    @Test
    void failCanBeSetForTheWholeConnector() {
        assertThatThrownBy(() -> runApplication(outgoing()
                .with(CONNECTOR + "unknown-attributes", "fail")
                .with(OUT + "buffer-tme", "1s"), Sender.class))
                .hasStackTraceContaining("SRKIN2500")
                .hasStackTraceContaining("'buffer-tme'");
    }

    @Test
    void ignoreReportsNothing() {
        try (LogCapture logs = LogCapture.start()) {
            runApplication(outgoing().with(OUT + "unknown-attributes", "ignore").with(OUT + "buffer-tme", "1s"),
                    Sender.class);

            assertThat(logs.containing("SRKIN1500")).isEmpty();
        }
    }

    @Test
    void anInvalidModeIsRefused() {
        assertThatThrownBy(() -> runApplication(outgoing().with(OUT + "unknown-attributes", "loud"), Sender.class))
                .hasStackTraceContaining("SRKIN2000")
                .hasStackTraceContaining("'unknown-attributes' is 'loud'");
    }

    @Test
    void noRegionAnywhereNamesTheChannelAndHowToSetIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                && System.getenv("AWS_DEFAULT_REGION") == null, "AWS_REGION is set in this environment");
        setProperty("aws.region", null);
        setProperty("aws.configFile", "/nonexistent/aws-config");
        setProperty("aws.disableEc2Metadata", "true");

        assertThatThrownBy(() -> runApplication(new MapBasedConfig()
                .with(OUT + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(OUT + "stream", "orders")
                .with(OUT + "endpoint-override", "http://127.0.0.1:9"), Sender.class))
                .hasStackTraceContaining("SRKIN2501")
                .hasStackTraceContaining("Channel 'orders-out': no AWS region is configured")
                .hasStackTraceContaining("mp.messaging.outgoing.orders-out.region")
                .hasStackTraceContaining("mp.messaging.connector.smallrye-kinesis.region")
                .hasStackTraceContaining("AWS_REGION");
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("orders-out")
        Emitter<String> emitter;
    }
}
