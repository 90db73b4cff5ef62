package io.quarkiverse.messaging.kinesis.it;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    private final FileOutputStream out;

    ReceiptLog(@ConfigProperty(name = "orders.received-log") Optional<String> path) {
        try {
            this.out = path.isPresent() ? new FileOutputStream(path.get(), true) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open orders.received-log " + path.get(), e);
        }
    }

    synchronized void append(OrdersConsumer.ReceivedOrder order) {
        if (out == null) {
            return;
        }
        String line = order.shardId() + ' ' + order.sequenceNumber() + ' ' + order.customer() + ' ' + order.order()
                + ' ' + ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + '\n';
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @PreDestroy
    synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
