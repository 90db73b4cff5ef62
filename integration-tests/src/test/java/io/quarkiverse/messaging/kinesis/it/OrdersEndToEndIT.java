package io.quarkiverse.messaging.kinesis.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The end-to-end demo test against the packaged application. */
@QuarkusIntegrationTest
class OrdersEndToEndIT extends OrdersEndToEndTest {
}
