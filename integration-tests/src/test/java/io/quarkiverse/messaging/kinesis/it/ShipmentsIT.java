package io.quarkiverse.messaging.kinesis.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application ({@code target/quarkus-app/quarkus-run.jar}). */
@QuarkusIntegrationTest
class ShipmentsIT extends ShipmentsTest {
}
