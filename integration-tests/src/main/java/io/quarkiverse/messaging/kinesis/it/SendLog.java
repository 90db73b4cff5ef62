package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When {@code orders.sent-log} names a file, the fate of every order of a {@link LoadGenerator} run is appended to it,
 * one line per event, written straight to the file (no buffer in the JVM, so it survives a kill -9):
 * {@code S <order>} accepted by the Emitter, {@code A <order> <shard> <sequence>} acked (Kinesis stored it),
 * {@code N <order> <reason>} nacked, {@code R <order> <reason>} refused by the Emitter (never accepted). An accepted
 * order with neither A nor N line got no answer. The fault tests read it to check every message's fate.
 */
@ApplicationScoped
public class SendLog {

    private final LineFile file;

    SendLog(@ConfigProperty(name = "orders.sent-log") Optional<String> path) {
        this.file = new LineFile(path, "orders.sent-log");
    }

    void accepted(String order) {
        write("S " + order);
    }

    void acked(String order, String shardId, String sequenceNumber) {
        write("A " + order + ' ' + shardId + ' ' + sequenceNumber);
    }

    void nacked(String order, Throwable reason) {
        write("N " + order + ' ' + oneLine(reason));
    }

    void refused(String order, Throwable reason) {
        write("R " + order + ' ' + oneLine(reason));
    }

    private static String oneLine(Throwable reason) {
        return String.valueOf(reason).replace('\n', ' ').replace('\r', ' ');
    }

    private void write(String line) {
        file.append(line);
    }

    @PreDestroy
    void close() throws IOException {
        file.close();
    }
}
