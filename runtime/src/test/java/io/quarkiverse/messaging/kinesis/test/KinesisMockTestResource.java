package io.quarkiverse.messaging.kinesis.test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.SystemProperties;

/**
 * Runs kinesis-mock for a {@code @QuarkusTest} or {@code @QuarkusIntegrationTest} and points the connector at it.
 * <p>
 * Use: {@code @WithTestResource(value = KinesisMockTestResource.class, initArgs = @ResourceArg(name = "streams",
 * value = "orders:2,prices:1"))} (or {@code @QuarkusTestResource}); those streams exist before the application
 * starts. A {@code KinesisMock} field of the test class is injected. The dummy credentials are returned as
 * configuration (passed to a launched application as {@code -D} properties) and set as system properties of this JVM
 * (for the in-JVM {@code @QuarkusTest}).
 */
public class KinesisMockTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String STREAMS_ARG = "streams";
    static final String ENDPOINT_PROPERTY = "mp.messaging.connector.smallrye-kinesis.endpoint-override";
    static final String REGION_PROPERTY = "mp.messaging.connector.smallrye-kinesis.region";

    private final Map<String, Integer> streams = new LinkedHashMap<>();
    private KinesisMock mock;
    private SystemProperties previousProperties;

    @Override
    public void init(Map<String, String> initArgs) {
        streams.putAll(parseStreams(initArgs.getOrDefault(STREAMS_ARG, "")));
    }

    @Override
    public Map<String, String> start() {
        mock = new KinesisMock();
        mock.start();
        try {
            streams.forEach(mock::createStream);
        } catch (RuntimeException e) {
            mock.stop();
            throw e;
        }
        previousProperties = SystemProperties.set(KinesisMock.dummyCredentialsProperties());
        Map<String, String> config = new HashMap<>(KinesisMock.dummyCredentialsProperties());
        config.put(ENDPOINT_PROPERTY, mock.endpoint().toString());
        config.put(REGION_PROPERTY, mock.region());
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(mock, new TestInjector.MatchesType(KinesisMock.class));
    }

    @Override
    public void stop() {
        try {
            if (mock != null) {
                mock.stop();
            }
        } finally {
            if (previousProperties != null) {
                previousProperties.restore();
                previousProperties = null;
            }
        }
    }

    /** {@code "name:shards,name2:shards"}, shards 1 when omitted. */
    static Map<String, Integer> parseStreams(String spec) {
        Map<String, Integer> parsed = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":");
            if (parts.length > 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("Bad stream '" + entry + "' in " + STREAMS_ARG + "=" + spec
                        + ": expected name:shards");
            }
            parsed.put(parts[0].trim(), parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1);
        }
        return parsed;
    }
}
