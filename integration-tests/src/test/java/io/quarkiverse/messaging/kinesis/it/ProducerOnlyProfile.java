package io.quarkiverse.messaging.kinesis.it;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * For tests that empty the {@code orders} stream between tests (delete and create it again): the consumer reads
 * another stream, so that deleting {@code orders} under it does not fail its channel.
 */
public class ProducerOnlyProfile implements QuarkusTestProfile {

    static final String CONSUMER_STREAM = "orders-not-consumed-here";

    @Override
    public Map<String, String> getConfigOverrides() {
        // the packaged application (@QuarkusIntegrationTest) gets these as system properties: name the connector too
        return Map.of("mp.messaging.incoming.orders.stream", CONSUMER_STREAM,
                "mp.messaging.incoming.orders.connector", "smallrye-kinesis");
    }
}
