package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * With this connector alone on the class path, an Emitter channel without a {@code connector} property is attached
 * to {@code smallrye-kinesis}, and the feature is listed at startup.
 */
class OutgoingChannelAutoAttachTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            // no mp.messaging.outgoing.orders-out.connector on purpose
            .overrideConfigKey("mp.messaging.outgoing.orders-out.region", "us-east-1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.endpoint-override", "http://127.0.0.1:1")
            // nothing listens there: no stream probe, this test is about the channel alone
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .setLogRecordPredicate(record -> record.getLoggerName().equals("io.quarkus"))
            .assertLogRecords(records -> assertThat(records)
                    .map(OutgoingChannelAutoAttachTest::formatted)
                    .filteredOn(message -> message.startsWith("Installed features"))
                    .singleElement()
                    .satisfies(message -> assertThat(message).contains(KinesisMessagingProcessor.FEATURE)));

    @Inject
    OrdersApp app;

    @Inject
    @Connector(KinesisConnector.CONNECTOR_NAME)
    KinesisConnector connector;

    @Test
    void channelIsAttachedToTheKinesisConnector() {
        assertThat(app).isNotNull();
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.outgoing.orders-out.connector", String.class))
                .isEqualTo(KinesisConnector.CONNECTOR_NAME);
    }

    @Test
    void connectorCreatedTheChannel() {
        HealthReport readiness = connector.getReadiness();
        assertThat(readiness.getChannels())
                .extracting(HealthReport.ChannelInfo::getChannel)
                .containsExactly(OrdersApp.CHANNEL);
        assertThat(readiness.isOk()).isTrue();
    }

    private static String formatted(LogRecord record) {
        return record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
    }
}
