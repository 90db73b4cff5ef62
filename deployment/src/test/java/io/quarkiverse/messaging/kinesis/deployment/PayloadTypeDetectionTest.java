package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * The payload-type of each Kinesis channel comes from its signatures, as a default that the application's own
 * setting overrides.
 */
class PayloadTypeDetectionTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TypedChannelsApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .overrideConfigKey("mp.messaging.incoming.explicit-in.payload-type", "bytes");

    private static String incoming(String channel) {
        return value("mp.messaging.incoming." + channel + ".payload-type");
    }

    private static String outgoing(String channel) {
        return value("mp.messaging.outgoing." + channel + ".payload-type");
    }

    private static String value(String key) {
        Config config = ConfigProvider.getConfig();
        return config.getOptionalValue(key, String.class).orElse(null);
    }

    @Test
    void incomingMethodsParametersDecide() {
        assertThat(incoming("text-in")).isEqualTo("string");
        assertThat(incoming("object-in")).isEqualTo("json-object");
        assertThat(incoming("order-in")).isEqualTo(TypedChannelsApp.Order.class.getName());
        assertThat(incoming("bytes-in")).isEqualTo("bytes");
    }

    @Test
    void injectedStreamsDecideForIncomingChannels() {
        assertThat(incoming("array-in")).isEqualTo("json-array");
    }

    @Test
    void emittersAndOutgoingMethodsDecideForOutgoingChannels() {
        assertThat(outgoing("text-out")).isEqualTo("string");
        assertThat(outgoing("order-out")).isEqualTo(TypedChannelsApp.Order.class.getName());
        assertThat(outgoing("object-out")).isEqualTo("json-object");
    }

    @Test
    void anObjectParameterDecidesNothing() {
        assertThat(incoming("anything-in")).isNull();
    }

    @Test
    void theApplicationsOwnSettingWins() {
        assertThat(incoming("explicit-in")).isEqualTo("bytes");
    }
}
