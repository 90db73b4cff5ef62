package io.quarkiverse.messaging.kinesis.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** The same tests against the packaged application ({@code target/quarkus-app/quarkus-run.jar}). */
@QuarkusIntegrationTest
@TestProfile(ProducerOnlyProfile.class)
class OrdersResourceIT extends OrdersResourceTest {
}
