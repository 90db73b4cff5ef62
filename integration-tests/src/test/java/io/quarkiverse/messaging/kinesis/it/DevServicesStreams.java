package io.quarkiverse.messaging.kinesis.it;

import java.net.URI;
import java.util.Map;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a test an {@link EmulatorStreams} field on the emulator that Dev Services started for the application (no
 * endpoint is configured anywhere). Works for {@code @QuarkusTest} and {@code @QuarkusIntegrationTest}: both receive
 * the Dev Services configuration through {@link DevServicesContext}.
 */
public class DevServicesStreams implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    static final String PREFIX = "quarkus.messaging.kinesis.";

    private Map<String, String> devServices = Map.of();
    private EmulatorStreams streams;

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServices = context.devServicesProperties();
    }

    @Override
    public Map<String, String> start() {
        return Map.of();
    }

    @Override
    public void inject(TestInjector testInjector) {
        if (streams == null) {
            String endpoint = devServices.get(PREFIX + "endpoint-override");
            if (endpoint == null) {
                throw new IllegalStateException("Dev Services for Kinesis did not start (no " + PREFIX
                        + "endpoint-override among " + devServices.keySet() + ")");
            }
            streams = new EmulatorStreams(URI.create(endpoint), devServices.get(PREFIX + "region"),
                    devServices.get(PREFIX + "credentials.access-key-id"),
                    devServices.get(PREFIX + "credentials.secret-access-key"));
        }
        testInjector.injectIntoFields(streams, new TestInjector.MatchesType(EmulatorStreams.class));
    }

    @Override
    public void stop() {
        if (streams != null) {
            streams.close();
            streams = null;
        }
    }
}
