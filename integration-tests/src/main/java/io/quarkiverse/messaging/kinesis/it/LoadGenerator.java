package io.quarkiverse.messaging.kinesis.it;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;

/**
 * A load the way an application makes one: {@code POST /orders/load?count=N&customers=K[&prefix=P]} starts a thread
 * that emits {@code P<i>} with key {@code customer-<i % K>} through the {@code orders-out} Emitter as fast as it
 * accepts them (when its buffer is full, the thread waits a millisecond and offers the same order again), and records
 * each order's fate in the {@link SendLog}; {@code GET /orders/load} tells how far it got. One run at a time. It
 * stops emitting when the application starts shutting down, as an application driven by requests does when Quarkus
 * stops taking them.
 */
@Path("/orders/load")
@ApplicationScoped
public class LoadGenerator {

    /** Sends through its Emitter: one Emitter per channel, with the overflow buffer it declares. */
    @Inject
    OrdersResource orders;

    @Inject
    SendLog log;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private volatile Thread running;
    private volatile boolean done;
    private volatile boolean stopping;

    @POST
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public synchronized Response start(@QueryParam("count") @DefaultValue("50000") int count,
            @QueryParam("customers") @DefaultValue("1000") int customers,
            @QueryParam("prefix") @DefaultValue("load-") String prefix) {
        if (running != null || count < 1 || customers < 1) {
            return Response.status(Response.Status.BAD_REQUEST).entity(status()).build();
        }
        running = new Thread(() -> emit(count, customers, prefix), "orders-load");
        running.setDaemon(true);
        running.start();
        return Response.accepted(status()).build();
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public LoadStatus status() {
        return new LoadStatus(accepted.get(), refused.get(), acked.get(), nacked.get(), done);
    }

    private void emit(int count, int customers, String prefix) {
        for (int i = 0; i < count && !stopping; i++) {
            String order = prefix + i;
            OutgoingMessageMetadata<KinesisSendResult> result = new OutgoingMessageMetadata<>();
            Message<byte[]> message = Message.of(order.getBytes(StandardCharsets.UTF_8),
                    Metadata.of(OutgoingKinesisMetadata.builder().partitionKey("customer-" + (i % customers)).build(),
                            result),
                    () -> onAck(order, result.getResult()), reason -> onNack(order, reason));
            while (!stopping && !offer(order, message)) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        done = true;
    }

    /** Shutdown starts (before the channels flush): no new order is offered; those accepted get their answer. */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread thread = running;
        if (thread != null) {
            try {
                thread.join(1000); // its current offer completes: accepted (and logged) or not
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** False while the Emitter's buffer is full; true once the order was accepted or refused for good. */
    private boolean offer(String order, Message<byte[]> message) {
        try {
            orders.send(message);
            accepted.incrementAndGet();
            log.accepted(order);
            return true;
        } catch (IllegalStateException e) {
            // the overflow buffer is full ("Insufficient downstream requests"): offer it again in a moment
            if (String.valueOf(e.getMessage()).contains("Insufficient downstream requests")) {
                return false;
            }
            refused.incrementAndGet();
            log.refused(order, e);
            return true;
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            log.refused(order, e);
            return true;
        }
    }

    private CompletableFuture<Void> onAck(String order, KinesisSendResult stored) {
        acked.incrementAndGet();
        log.acked(order, stored == null ? "?" : stored.shardId(), stored == null ? "?" : stored.sequenceNumber());
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> onNack(String order, Throwable reason) {
        nacked.incrementAndGet();
        log.nacked(order, reason);
        return CompletableFuture.completedFuture(null);
    }

    /** How far the load got: orders accepted and refused by the Emitter, acked and nacked by the channel. */
    public record LoadStatus(long accepted, long refused, long acked, long nacked, boolean done) {
    }
}
