package io.quarkiverse.messaging.kinesis.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;

/** Writes orders as JSON and reads them back in batches ({@code batch=true}) as {@code List<Order>}. */
@ApplicationScoped
public class BatchOrdersApp {

    public record Order(String customer, int quantity) {
    }

    @Inject
    @Channel("batch-out")
    Emitter<Order> emitter;

    private final List<List<Order>> batches = new CopyOnWriteArrayList<>();

    void send(Order order) {
        emitter.send(Message.of(order, Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(order.customer())
                .build())));
    }

    List<List<Order>> batches() {
        return new ArrayList<>(batches);
    }

    @Incoming("batch-in")
    void consume(List<Order> orders) {
        batches.add(orders);
    }
}
