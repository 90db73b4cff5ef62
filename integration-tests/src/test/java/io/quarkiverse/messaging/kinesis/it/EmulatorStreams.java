package io.quarkiverse.messaging.kinesis.it;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The tests' view of the Kinesis emulator Dev Services started: create, empty and read streams. Same operations as
 * the test support's {@code KinesisMock}, on an emulator this JVM did not start.
 */
public final class EmulatorStreams implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI endpoint;
    private final KinesisAsyncClient client;

    EmulatorStreams(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        this.endpoint = endpoint;
        this.client = KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public int openShards(String stream) {
        return await(client.describeStreamSummary(r -> r.streamName(stream))).streamDescriptionSummary()
                .openShardCount();
    }

    public void createStream(String name, int shards) {
        await(client.createStream(r -> r.streamName(name).shardCount(shards)));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (await(client.describeStreamSummary(r -> r.streamName(name))).streamDescriptionSummary()
                .streamStatus() != StreamStatus.ACTIVE) {
            pause(deadline, "stream " + name + " not ACTIVE");
        }
    }

    public void deleteStream(String name) {
        try {
            await(client.deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true)));
        } catch (ResourceNotFoundException alreadyGone) {
            return;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                await(client.describeStreamSummary(r -> r.streamName(name)));
            } catch (ResourceNotFoundException gone) {
                return;
            }
            pause(deadline, "stream " + name + " not deleted");
        }
    }

    /** Every record of every shard, from the trim horizon. */
    public List<ShardRecord> readAll(String stream) {
        List<ShardRecord> records = new ArrayList<>();
        for (Shard shard : await(client.listShards(r -> r.streamName(stream))).shards()) {
            String iterator = await(client.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))).shardIterator();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = await(client.getRecords(r -> r.shardIterator(current).limit(10_000)));
                page.records().forEach(record -> records.add(new ShardRecord(shard.shardId(), record)));
                Long behind = page.millisBehindLatest();
                if (page.records().isEmpty() && (behind == null || behind == 0)) {
                    break;
                }
                pause(deadline, "shard " + shard.shardId() + " not read");
                iterator = page.nextShardIterator();
            }
        }
        return records;
    }

    @Override
    public void close() {
        client.close();
    }

    private static void pause(long deadline, String failure) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(failure + " after " + TIMEOUT.toSeconds() + " s");
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }

    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer from the emulator within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
