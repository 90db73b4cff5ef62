package io.quarkiverse.messaging.kinesis.deployment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The application of the tests: an Emitter on the {@code orders-out} channel and nothing that says which connector
 * manages it.
 */
@ApplicationScoped
public class OrdersApp {

    public static final String CHANNEL = "orders-out";

    @Inject
    @Channel(CHANNEL)
    Emitter<byte[]> orders;

    public void send(Message<byte[]> message) {
        orders.send(message);
    }
}
