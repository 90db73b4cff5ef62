package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * With {@code batch=true}, the element type of an {@code @Incoming} method's {@code List<T>} parameter decides the
 * channel's payload-type: a {@code List<Order>} method gets JSON-decoded orders, a page of records at a time (Dev
 * Services run kinesis-mock).
 */
class BatchPayloadTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BatchOrdersApp.class))
            .overrideConfigKey("mp.messaging.outgoing.batch-out.stream", "batch-orders")
            .overrideConfigKey("mp.messaging.incoming.batch-in.stream", "batch-orders")
            .overrideConfigKey("mp.messaging.incoming.batch-in.batch", "true")
            .overrideConfigKey("mp.messaging.incoming.batch-in.starting-position", "trim_horizon");

    @Inject
    BatchOrdersApp app;

    @Test
    void theListsElementTypeIsThePayloadType() {
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.batch-in.payload-type", String.class))
                .isEqualTo(BatchOrdersApp.Order.class.getName());
    }

    @Test
    void aListOfOrdersMethodGetsJsonDecodedOrders() {
        List<BatchOrdersApp.Order> orders = List.of(new BatchOrdersApp.Order("ann", 1),
                new BatchOrdersApp.Order("bob", 2), new BatchOrdersApp.Order("cid", 3));
        orders.forEach(app::send);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> app.batches().stream().mapToInt(List::size).sum() >= orders.size());
        assertThat(app.batches().stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(orders)
                .allSatisfy(order -> assertThat(order).isInstanceOf(BatchOrdersApp.Order.class));
    }
}
