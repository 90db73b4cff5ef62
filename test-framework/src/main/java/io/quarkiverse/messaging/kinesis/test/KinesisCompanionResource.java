package io.quarkiverse.messaging.kinesis.test;

import java.net.URI;
import java.util.Map;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a test a {@link KinesisCompanion} on the emulator Dev Services started for the application (no endpoint is
 * configured anywhere):
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(KinesisCompanionResource.class)
 * class OrdersTest {
 *     KinesisCompanion kinesis; // injected
 * }
 * </pre>
 *
 * Works for {@code @QuarkusTest} and {@code @QuarkusIntegrationTest}: both receive the Dev Services configuration
 * through {@link DevServicesContext}. It starts nothing and configures nothing.
 */
public class KinesisCompanionResource implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    private static final String PREFIX = KinesisTestResource.PREFIX;

    private Map<String, String> devServices = Map.of();
    private KinesisCompanion companion;

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServices = context.devServicesProperties();
    }

    @Override
    public Map<String, String> start() {
        return Map.of();
    }

    /**
     * Injects fields of type {@link KinesisCompanion}, except in test classes that run a {@link KinesisTestResource}
     * (that one injects its own companion); fails, saying why, when such a field wants a companion and Dev Services
     * did not start. A test class without such a field is left alone (this resource may apply to all test classes).
     */
    @Override
    public void inject(TestInjector testInjector) {
        if (companion == null && devServices.containsKey(PREFIX + "endpoint-override")) {
            companion = fromDevServices(devServices);
        }
        testInjector.injectIntoFields(companion, field -> {
            if (!field.getType().equals(KinesisCompanion.class) || TestResources.runs(field.getDeclaringClass(),
                    KinesisTestResource.class)) {
                return false;
            }
            if (companion == null) {
                fromDevServices(devServices); // throws, naming what is missing
            }
            return true;
        });
    }

    /** A companion on the endpoint, region and credentials Dev Services for Kinesis handed to the application. */
    static KinesisCompanion fromDevServices(Map<String, String> devServices) {
        String endpoint = devServices.get(PREFIX + "endpoint-override");
        if (endpoint == null) {
            throw new IllegalStateException("Dev Services for Kinesis did not start (no " + PREFIX
                    + "endpoint-override among the Dev Services properties " + devServices.keySet()
                    + "): is an endpoint configured, or quarkus.messaging.kinesis.devservices.enabled false? Use "
                    + KinesisTestResource.class.getSimpleName() + " for an emulator of the test's own");
        }
        return new KinesisCompanion(URI.create(endpoint), devServices.get(PREFIX + "region"),
                devServices.get(PREFIX + "credentials.access-key-id"),
                devServices.get(PREFIX + "credentials.secret-access-key"));
    }

    @Override
    public void stop() {
        if (companion != null) {
            companion.close();
            companion = null;
        }
    }
}
