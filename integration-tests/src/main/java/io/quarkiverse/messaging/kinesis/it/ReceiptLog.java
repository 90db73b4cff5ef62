package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When {@code orders.received-log} names a file, every received order is appended to it before it is acked, one line
 * per order: shard, sequence number, partition key, order, epoch microseconds. Each line is written straight to the
 * file (no buffer in the JVM), so it survives a kill -9 of the application: the multi-node tests use it to tell what
 * each node processed.
 */
@ApplicationScoped
public class ReceiptLog {

    private final LineFile file;

    ReceiptLog(@ConfigProperty(name = "orders.received-log") Optional<String> path) {
        this.file = new LineFile(path, "orders.received-log");
    }

    void append(OrdersConsumer.ReceivedOrder order) {
        if (!file.enabled()) {
            return;
        }
        String line = order.shardId() + ' ' + order.sequenceNumber() + ' ' + order.customer() + ' ' + order.order()
                + ' ' + ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        file.append(line);
    }

    @PreDestroy
    void close() throws IOException {
        file.close();
    }
}
