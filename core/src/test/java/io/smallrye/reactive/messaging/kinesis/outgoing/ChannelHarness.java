package io.smallrye.reactive.messaging.kinesis.outgoing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.providers.impl.ConnectorConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * An outgoing channel wired to a {@link FakeKinesisClient} and a Vert.x instance of its own (the channel takes an
 * event-loop context from it), with messages whose acks and nacks are recorded.
 */
final class ChannelHarness implements AutoCloseable {

    static final String CHANNEL = "orders";
    static final String STREAM = "test-stream";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A message and what happened to it. */
    static final class Tracked {
        final String id;
        final Message<?> message;
        final OutgoingMessageMetadata<KinesisSendResult> result;
        final AtomicInteger acks = new AtomicInteger();
        final List<Throwable> nacks = new CopyOnWriteArrayList<>();
        /** The Vert.x context the message was acked or nacked on (null: none). */
        volatile Context completionContext;

        Tracked(String id, Object payload, OutgoingMessageMetadata<KinesisSendResult> result, List<Object> metadata,
                AtomicInteger completed) {
            this.id = id;
            this.result = result;
            this.message = Message.of(payload, Metadata.from(metadata), () -> {
                completionContext = Vertx.currentContext();
                acks.incrementAndGet();
                completed.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            }, reason -> {
                completionContext = Vertx.currentContext();
                nacks.add(reason);
                completed.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            });
        }

        boolean done() {
            return acks.get() + nacks.size() > 0;
        }

        void assertAckedOnce() {
            assertThat(nacks).as("nacks of %s", id).isEmpty();
            assertThat(acks.get()).as("acks of %s", id).isEqualTo(1);
        }

        /** Asserts a single nack and no ack; returns the reason. */
        Throwable assertNackedOnce() {
            assertThat(acks.get()).as("acks of %s", id).isZero();
            assertThat(nacks).as("nacks of %s", id).hasSize(1);
            return nacks.get(0);
        }
    }

    static final String WITHOUT_JACKSON = "test.without-jackson";

    final FakeKinesisClient fake;
    final Vertx vertx;
    final OutgoingSettings settings;
    final KinesisOutboundChannel channel;
    /** What the channel reported to its metrics. */
    final RecordingMetrics metrics = new RecordingMetrics();
    /** Messages acked or nacked so far (each completion counts once). */
    final AtomicInteger completed = new AtomicInteger();
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private UnicastProcessor<Message<?>> source;
    private long sent;

    private ChannelHarness(FakeKinesisClient fake, Map<String, String> attributes) {
        this.fake = fake;
        Map<String, String> all = new HashMap<>();
        all.put("stream", STREAM);
        all.putAll(attributes);
        // not an attribute: the channel as on a host without Jackson (no writer for object payloads)
        boolean withoutJackson = "true".equals(all.remove(WITHOUT_JACKSON));
        this.settings = OutgoingSettings.from(configuration(CHANNEL, all));
        this.vertx = Vertx.vertx();
        this.channel = withoutJackson ? new KinesisOutboundChannel(settings, fake, vertx, metrics, null)
                : new KinesisOutboundChannel(settings, fake, vertx, metrics);
    }

    /** A channel over a fake that accepts everything; attributes as "name=value". */
    static ChannelHarness create(String... attributes) {
        return create(new FakeKinesisClient(), attributes);
    }

    static ChannelHarness create(FakeKinesisClient fake, String... attributes) {
        Map<String, String> map = new HashMap<>();
        for (String attribute : attributes) {
            int eq = attribute.indexOf('=');
            map.put(attribute.substring(0, eq), attribute.substring(eq + 1));
        }
        return new ChannelHarness(fake, map);
    }

    /**
     * The generated configuration of an outgoing channel, read the way SmallRye Reactive Messaging does it: from
     * {@code mp.messaging.outgoing.<channel>.<attribute>} properties, through a {@link ConnectorConfig}.
     */
    static KinesisConnectorOutgoingConfiguration configuration(String channel, Map<String, String> attributes) {
        Map<String, String> properties = new HashMap<>();
        properties.put("mp.messaging.outgoing." + channel + ".connector", KinesisConnector.CONNECTOR_NAME);
        attributes.forEach((name, value) -> properties.put("mp.messaging.outgoing." + channel + "." + name, value));
        Config overall = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        Config channelConfig = new ConnectorConfig("mp.messaging.outgoing.", overall, KinesisConnector.CONNECTOR_NAME,
                channel) {
        };
        return new KinesisConnectorOutgoingConfiguration(channelConfig);
    }

    // ---------------------------------------------------------------- messages

    /** Creates (without sending) a tracked message with a String payload equal to its id. */
    Tracked message(String id, Object... metadata) {
        return messageWithPayload(id, id, metadata);
    }

    Tracked keyed(String id, String partitionKey) {
        return message(id, OutgoingKinesisMetadata.builder().partitionKey(partitionKey).build());
    }

    /** A tracked message that also carries an OutgoingMessageMetadata, to receive the send result. */
    Tracked messageWithResult(String id, Object... metadata) {
        return create(id, id, true, metadata);
    }

    Tracked messageWithPayload(String id, Object payload, Object... metadata) {
        return create(id, payload, false, metadata);
    }

    private synchronized Tracked create(String id, Object payload, boolean withResult, Object... metadata) {
        OutgoingMessageMetadata<KinesisSendResult> result = withResult ? new OutgoingMessageMetadata<>() : null;
        List<Object> all = new ArrayList<>(List.of(metadata));
        if (result != null) {
            all.add(result);
        }
        Tracked message = new Tracked(id, payload, result, all, completed);
        if (tracked.putIfAbsent(id, message) != null) {
            throw new IllegalArgumentException("duplicate id " + id);
        }
        return message;
    }

    synchronized Tracked get(String id) {
        return tracked.get(id);
    }

    synchronized List<Tracked> all() {
        return new ArrayList<>(tracked.values());
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends the messages through a publisher (a Mutiny processor) subscribed to the channel on first use, and returns
     * once the channel took them all, or all that its demand allows (the processor keeps the rest, as an Emitter does):
     * the channel hands messages over to its context asynchronously.
     */
    ChannelHarness send(Tracked... messages) {
        return send(List.of(messages));
    }

    ChannelHarness send(Collection<Tracked> messages) {
        if (source == null) {
            source = UnicastProcessor.create();
            source.subscribe(channel);
        }
        messages.forEach(message -> source.onNext(message.message));
        long total = sent += messages.size();
        await().atMost(TIMEOUT).until(() -> channel.intakeSettled(total));
        return this;
    }

    /** Subscribes the channel to another publisher (instead of {@link #send}). */
    void subscribe(Flow.Publisher<Message<?>> publisher) {
        publisher.subscribe(channel);
    }

    // ---------------------------------------------------------------- waiting and asserting

    void awaitCompleted(int count) {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(completed.get()).isGreaterThanOrEqualTo(count));
    }

    void awaitAllDone() {
        await().atMost(TIMEOUT).until(() -> all().stream().allMatch(Tracked::done));
    }

    void assertAllAckedOnce(Collection<Tracked> messages) {
        messages.forEach(Tracked::assertAckedOnce);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } finally {
            fake.close();
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
