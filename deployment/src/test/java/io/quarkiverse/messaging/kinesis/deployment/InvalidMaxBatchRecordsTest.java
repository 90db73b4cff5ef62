package io.quarkiverse.messaging.kinesis.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A batch larger than the 500 records a PutRecords request takes fails the start, naming the attribute and its range.
 */
class InvalidMaxBatchRecordsTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class))
            .overrideConfigKey("mp.messaging.outgoing.orders-out.region", "us-east-1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.endpoint-override", "http://127.0.0.1:1")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.max-batch-records", "501")
            .assertException(failure -> StartFailures.assertSomeCauseMentions(failure,
                    "orders-out", "max-batch-records", "501", "1 to 500"));

    @Test
    void startFails() {
        fail("the application should not have started");
    }
}
