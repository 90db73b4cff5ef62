package io.quarkiverse.messaging.kinesis.it;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;

/**
 * The orders demo: each order becomes a record of the Kinesis stream behind the {@code orders-out} channel, with the
 * customer as partition key (so the orders of one customer land on one shard, in order).
 * <ul>
 * <li>{@code POST /orders?customer=C} (any JSON or text body): answers once Kinesis stored the record, with its
 * shard and sequence number; 502 with the reason if the connector nacked it.</li>
 * <li>{@code POST /orders/bulk?count=N&customers=K[&prefix=P]}: emits {@code P<i>} (default P {@code order-}) with key
 * {@code customer-<i % K>} for
 * i in 0..N-1 and answers as soon as all were handed to the channel, without waiting for Kinesis.</li>
 * <li>{@code GET /orders/stats}: how many bulk orders were acked and nacked so far.</li>
 * <li>{@code GET /orders/received}: the orders {@link OrdersConsumer} received from the stream so far.</li>
 * </ul>
 */
@Path("/orders")
@ApplicationScoped
public class OrdersResource {

    /** The largest bulk accepted in one request. */
    static final int MAX_BULK = 10_000;

    private static final Logger LOG = Logger.getLogger(OrdersResource.class);

    /**
     * The channel asks for up to max-buffered-records (10,000 by default) messages ahead; what it has not asked for
     * yet waits in this buffer. It holds two full bulks, so a burst of bulks is absorbed rather than refused; should
     * it ever fill up, {@code send} throws and the request reports how many orders were handed over (none is dropped
     * silently).
     */
    @Inject
    @Channel("orders-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2 * MAX_BULK)
    Emitter<byte[]> emitter;

    @Inject
    OrdersConsumer consumer;

    private final AtomicLong bulkAcked = new AtomicLong();
    private final AtomicLong bulkNacked = new AtomicLong();

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM })
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> order(@QueryParam("customer") String customer, byte[] body) {
        if (customer == null || customer.isBlank()) {
            return CompletableFuture.completedFuture(badRequest("the customer query parameter is required"));
        }
        OutgoingMessageMetadata<KinesisSendResult> result = new OutgoingMessageMetadata<>();
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Message<byte[]> message = Message.of(body == null ? new byte[0] : body,
                Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(customer).build(), result),
                () -> {
                    KinesisSendResult stored = result.getResult();
                    answer.complete(Response.ok(new OrderReceipt(customer, stored.stream(), stored.shardId(),
                            stored.sequenceNumber())).build());
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    answer.complete(Response.status(Response.Status.BAD_GATEWAY)
                            .entity(new OrderRefusal(customer, String.valueOf(reason)))
                            .type(MediaType.APPLICATION_JSON)
                            .build());
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // emitter cancelled (shutdown) or its buffer full
            return CompletableFuture.completedFuture(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(new OrderRefusal(customer, String.valueOf(e)))
                    .type(MediaType.APPLICATION_JSON)
                    .build());
        }
        return answer;
    }

    @POST
    @Path("/bulk")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> bulk(@QueryParam("count") @DefaultValue("1000") int count,
            @QueryParam("customers") @DefaultValue("10") int customers,
            @QueryParam("prefix") @DefaultValue("order-") String prefix) {
        if (count < 1 || count > MAX_BULK || customers < 1) {
            return Uni.createFrom().item(badRequest("count must be 1 to " + MAX_BULK + " and customers at least 1"));
        }
        for (int i = 0; i < count; i++) {
            String customer = "customer-" + (i % customers);
            Message<byte[]> message = Message.of((prefix + i).getBytes(StandardCharsets.UTF_8),
                    Metadata.of(OutgoingKinesisMetadata.builder().partitionKey(customer).build()),
                    () -> {
                        bulkAcked.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                    },
                    reason -> {
                        long nacked = bulkNacked.incrementAndGet();
                        if (nacked == 1 || nacked % 100 == 0) {
                            LOG.warnf("%d bulk order(s) not written so far; the latest, of %s: %s", nacked, customer,
                                    reason);
                        }
                        return CompletableFuture.completedFuture(null);
                    });
            try {
                emitter.send(message);
            } catch (RuntimeException e) {
                return Uni.createFrom().item(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .entity(new BulkReceipt(i, customers, String.valueOf(e)))
                        .type(MediaType.APPLICATION_JSON)
                        .build());
            }
        }
        return Uni.createFrom().item(Response.ok(new BulkReceipt(count, customers, null)).build());
    }

    @GET
    @NonBlocking
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    public BulkStats stats() {
        return new BulkStats(bulkAcked.get(), bulkNacked.get());
    }

    @GET
    @NonBlocking
    @Path("/received")
    @Produces(MediaType.APPLICATION_JSON)
    public List<OrdersConsumer.ReceivedOrder> received() {
        return consumer.received();
    }

    /** Hands a message to the {@code orders-out} Emitter (for {@link LoadGenerator}); throws as {@code send} does. */
    void send(Message<byte[]> message) {
        emitter.send(message);
    }

    private static Response badRequest(String why) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(new OrderRefusal(null, why))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /** Where Kinesis stored an order. */
    public record OrderReceipt(String customer, String stream, String shardId, String sequenceNumber) {
    }

    /** Why an order was not stored. */
    public record OrderRefusal(String customer, String error) {
    }

    /** How many orders of a bulk were handed to the channel; {@code error} says why not all of them. */
    public record BulkReceipt(int emitted, int customers, String error) {
    }

    /** Acks and nacks of bulk orders since the application started. */
    public record BulkStats(long acked, long nacked) {
    }
}
