package io.quarkiverse.messaging.kinesis.deployment;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * An application reading the {@code orders-in} channel as Strings, with nothing that says which connector manages it.
 */
@ApplicationScoped
public class OrdersConsumer {

    public static final String CHANNEL = "orders-in";

    @Incoming(CHANNEL)
    void consume(String order) {
        // the tests only check that the channel is wired
    }
}
