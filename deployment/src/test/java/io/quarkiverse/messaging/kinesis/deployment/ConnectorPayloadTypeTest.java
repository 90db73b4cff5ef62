package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A payload-type set for the whole connector is not hidden by detected channel defaults: nothing is detected then.
 */
class ConnectorPayloadTypeTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TypedChannelsApp.class))
            .overrideConfigKey("quarkus.messaging.kinesis.region", "us-east-1")
            .overrideConfigKey("quarkus.messaging.kinesis.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("quarkus.messaging.kinesis.health.stream-probe-interval", "0s")
            .overrideConfigKey("mp.messaging.connector.smallrye-kinesis.payload-type", "string");

    @Test
    void noChannelDefaultIsSet() {
        assertThat(ConfigProvider.getConfig().getOptionalValue("mp.messaging.incoming.object-in.payload-type",
                String.class)).isEmpty();
        assertThat(ConfigProvider.getConfig().getOptionalValue("mp.messaging.outgoing.text-out.payload-type",
                String.class)).isEmpty();
    }
}
