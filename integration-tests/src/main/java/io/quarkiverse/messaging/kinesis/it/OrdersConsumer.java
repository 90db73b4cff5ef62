package io.quarkiverse.messaging.kinesis.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;

/**
 * The consuming half of the demo: every order of the {@code orders} stream, from every shard, arrives here once
 * (acked when the method returns); {@code GET /orders/received} lists what arrived, in arrival order.
 */
@ApplicationScoped
public class OrdersConsumer {

    private final List<ReceivedOrder> received = new ArrayList<>();
    private final ReceiptLog receiptLog;

    OrdersConsumer(ReceiptLog receiptLog) {
        this.receiptLog = receiptLog;
    }

    @Incoming("orders")
    void onOrder(byte[] order, IncomingKinesisMetadata metadata) {
        ReceivedOrder receivedOrder = new ReceivedOrder(metadata.getPartitionKey(),
                new String(order, StandardCharsets.UTF_8), metadata.getShardId(), metadata.getSequenceNumber());
        receiptLog.append(receivedOrder);
        synchronized (received) {
            received.add(receivedOrder);
        }
    }

    List<ReceivedOrder> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** An order as the consumer saw it. */
    public record ReceivedOrder(String customer, String order, String shardId, String sequenceNumber) {
    }
}
