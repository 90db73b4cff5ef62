package io.quarkiverse.messaging.kinesis.deployment;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kinesis.IncomingKinesisMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Kinesis channels whose payload types only their signatures tell. */
@ApplicationScoped
public class TypedChannelsApp {

    public record Order(String customer, int quantity) {
    }

    @Incoming("text-in")
    void text(String payload) {
    }

    @Incoming("object-in")
    CompletionStage<Void> object(Message<JsonObject> message) {
        return message.ack();
    }

    @Incoming("order-in")
    void order(Order order, IncomingKinesisMetadata metadata) {
    }

    @Incoming("bytes-in")
    void bytes(byte[] payload) {
    }

    @Incoming("anything-in")
    void anything(Object payload) {
    }

    /** Explicitly configured as bytes by the test: the String parameter then gets the UTF-8 text by conversion. */
    @Incoming("explicit-in")
    void explicit(String payload) {
    }

    @Inject
    @Channel("array-in")
    Multi<JsonArray> arrays;

    @Inject
    @Channel("text-out")
    Emitter<String> texts;

    @Inject
    @Channel("order-out")
    MutinyEmitter<Order> orders;

    @Outgoing("object-out")
    Multi<JsonObject> objects() {
        return Multi.createFrom().empty();
    }
}
