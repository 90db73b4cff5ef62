package io.quarkiverse.messaging.kinesis.test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A test's hands on Kinesis (an emulator): create and delete streams, write records, read them back. Every call
 * blocks until done (call it from the test thread, never from an event loop); waits end with a clear error after
 * {@link #timeout()} (30 s unless {@link #withTimeout(Duration)}).
 * <p>
 * Get one injected by {@link KinesisTestResource} (an emulator of the test's own) or {@link KinesisCompanionResource}
 * (the emulator Dev Services started), or build one with {@link #KinesisCompanion(URI, String, String, String)}.
 */
public class KinesisCompanion implements AutoCloseable {

    /** How long creating a stream, writing records or reading a stream to its end may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final URI endpoint;
    private final KinesisClient client;
    private final Duration timeout;

    public KinesisCompanion(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        this(endpoint, KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build(), DEFAULT_TIMEOUT);
    }

    private KinesisCompanion(URI endpoint, KinesisClient client, Duration timeout) {
        this.endpoint = endpoint;
        this.client = client;
        this.timeout = timeout;
    }

    /** The same companion with another timeout for the waits; they share one client (closing one closes both). */
    public KinesisCompanion withTimeout(Duration timeout) {
        return new KinesisCompanion(endpoint, client, timeout);
    }

    public URI endpoint() {
        return endpoint;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The SDK client, for what the companion does not offer. */
    public KinesisClient client() {
        return client;
    }

    /** Creates a stream (provisioned, {@code shards} shards) and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        try {
            client.createStream(r -> r.streamName(name).shardCount(shards));
        } catch (ResourceInUseException e) {
            throw new IllegalStateException("Stream '" + name + "' already exists", e);
        }
        if (!Blocking.pollUntil(() -> status(name) == StreamStatus.ACTIVE, Blocking.deadline(timeout))) {
            throw new AssertionError("Stream '" + name + "' not ACTIVE within " + Blocking.seconds(timeout)
                    + ": " + status(name));
        }
    }

    /** Deletes a stream (and its consumers) and waits until it is gone; nothing happens when it does not exist. */
    public void deleteStream(String name) {
        try {
            client.deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true));
        } catch (ResourceNotFoundException alreadyGone) {
            return;
        }
        if (!Blocking.pollUntil(() -> status(name) == null, Blocking.deadline(timeout))) {
            throw new AssertionError("Stream '" + name + "' not deleted within " + Blocking.seconds(timeout)
                    + ": " + status(name));
        }
    }

    /** The number of open shards of a stream. */
    public int openShards(String stream) {
        return client.describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary().openShardCount();
    }

    /** A producer of records for a stream; see {@link StreamProducer}. */
    public StreamProducer produce(String stream) {
        return new StreamProducer(client, stream, timeout);
    }

    /** A consumer of every shard of a stream, from the trim horizon unless told otherwise; see {@link StreamConsumer}. */
    public StreamConsumer consume(String stream) {
        return new StreamConsumer(client, stream);
    }

    /** Every record the stream holds now, shard by shard, aggregated records unpacked. */
    public List<StreamRecord> readAll(String stream) {
        return consume(stream).fromTrimHorizon().readToEnd(timeout);
    }

    @Override
    public void close() {
        client.close();
    }

    /** The stream's status, {@code null} once it does not exist. */
    private StreamStatus status(String name) {
        try {
            return client.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary().streamStatus();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    static List<Shard> listShards(KinesisClient client, String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsRequest request = ListShardsRequest.builder().streamName(stream).build();
        while (true) {
            ListShardsResponse page = client.listShards(request);
            shards.addAll(page.shards());
            if (page.nextToken() == null) {
                return shards;
            }
            request = ListShardsRequest.builder().nextToken(page.nextToken()).build();
        }
    }
}
