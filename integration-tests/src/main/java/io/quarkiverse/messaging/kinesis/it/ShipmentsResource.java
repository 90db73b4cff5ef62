package io.quarkiverse.messaging.kinesis.it;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.smallrye.common.annotation.NonBlocking;

/**
 * POJO payloads, with no payload configuration: {@code Emitter<Shipment>} makes the {@code shipments-out} channel
 * write shipments as JSON, and {@link ShipmentsConsumer}'s {@code @Incoming} method taking a {@link Shipment} makes
 * the {@code shipments} channel read them back as shipments (both detected at build time).
 * <ul>
 * <li>{@code POST /shipments} (a shipment as JSON): answers 204 once Kinesis stored it, 502 if it was nacked.</li>
 * <li>{@code GET /shipments/received}: the shipments the consumer received so far.</li>
 * </ul>
 */
@Path("/shipments")
@ApplicationScoped
public class ShipmentsResource {

    @Inject
    @Channel("shipments-out")
    Emitter<Shipment> emitter;

    @Inject
    ShipmentsConsumer consumer;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> ship(Shipment shipment) {
        return emitter.send(shipment)
                .thenApply(ignored -> Response.noContent().build())
                .exceptionally(failure -> Response.status(Response.Status.BAD_GATEWAY)
                        .entity(String.valueOf(failure)).type(MediaType.TEXT_PLAIN).build());
    }

    @GET
    @NonBlocking
    @Path("/received")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Shipment> received() {
        return consumer.received();
    }
}
