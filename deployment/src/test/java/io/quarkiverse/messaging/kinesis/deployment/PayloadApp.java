package io.quarkiverse.messaging.kinesis.deployment;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Kinesis channels with POJO payloads: an Emitter of one class, an @Incoming method of Messages of another. */
@ApplicationScoped
public class PayloadApp {

    public record OrderPlaced(String customer, int quantity) {
    }

    public record OrderShipped(String customer, String carrier) {
    }

    @Inject
    @Channel("placed-out")
    Emitter<OrderPlaced> placed;

    @Incoming("shipped-in")
    CompletionStage<Void> shipped(Message<OrderShipped> message) {
        return message.ack();
    }
}
