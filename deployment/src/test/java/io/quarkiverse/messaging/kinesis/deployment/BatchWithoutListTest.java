package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.LogRecord;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A channel with {@code batch=true} whose method takes a single payload, not a list: the build warns, naming the
 * channel and the method, and detects no payload-type.
 */
class BatchWithoutListTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(SingleOrderApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .overrideConfigKey("mp.messaging.incoming.single-in.batch", "true")
            .setLogRecordPredicate(record -> record.getMessage() != null && record.getMessage().contains("SRKIN1360"))
            .assertLogRecords(records -> assertThat(records).singleElement()
                    .extracting(BatchWithoutListTest::format)
                    .satisfies(line -> assertThat(line).contains("single-in", "batch=true",
                            SingleOrderApp.class.getName() + "#consume", "List<T>")));

    private static String format(LogRecord record) {
        return String.format(record.getMessage(), record.getParameters());
    }

    @Test
    void nothingIsDetected() {
        assertThat(ConfigProvider.getConfig().getOptionalValue("mp.messaging.incoming.single-in.payload-type",
                String.class)).isEmpty();
    }

    public static class SingleOrderApp {
        @Incoming("single-in")
        void consume(String order) {
        }
    }
}
