package io.smallrye.reactive.messaging.kinesis.test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesis-mock (npm package {@code kinesis-local}): Kinesis over plain HTTP on {@link #endpoint()} and over HTTPS with
 * a self-signed certificate on {@link #tlsPort()}. Streams are created, deleted and resharded without delay, and up to
 * {@value #SHARD_LIMIT} shards may exist at once.
 */
public class KinesisMock extends NodeEmulator {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "dummy-access-key-id";
    public static final String SECRET_ACCESS_KEY = "dummy-secret-access-key";

    static final int SHARD_LIMIT = 10_000;
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    /** kinesis-mock's settings of the time a stream stays CREATING, DELETING, UPDATING... (500ms by default). */
    private static final List<String> DURATION_VARIABLES = List.of("CREATE_STREAM_DURATION", "DELETE_STREAM_DURATION",
            "UPDATE_SHARD_COUNT_DURATION", "MERGE_SHARDS_DURATION", "SPLIT_SHARD_DURATION", "UPDATE_STREAM_MODE_DURATION",
            "REGISTER_STREAM_CONSUMER_DURATION", "DEREGISTER_STREAM_CONSUMER_DURATION",
            "START_STREAM_ENCRYPTION_DURATION", "STOP_STREAM_ENCRYPTION_DURATION");

    private final Map<String, String> extraEnvironment;
    private int plainPort;
    private int tlsPort;
    private KinesisAsyncClient client;
    /** Ours, not the SDK's: the SDK's closes with a 2 s quiet period, paid by every test class. */
    private EventLoopGroup clientEventLoop;

    public KinesisMock() {
        this(Map.of());
    }

    /** @param extraEnvironment kinesis-mock settings applied last, e.g. {@code CREATE_STREAM_DURATION=500ms} */
    public KinesisMock(Map<String, String> extraEnvironment) {
        super("kinesis-mock");
        this.extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** The credentials the AWS default chain should find, as system properties (the connector uses that chain). */
    public static Map<String, String> dummyCredentialsProperties() {
        return Map.of("aws.accessKeyId", ACCESS_KEY_ID, "aws.secretAccessKey", SECRET_ACCESS_KEY, "aws.region", REGION);
    }

    @Override
    protected String packageName() {
        return "kinesis-local";
    }

    @Override
    protected void choosePorts() {
        int[] ports = freePorts(2);
        plainPort = ports[0];
        tlsPort = ports[1];
    }

    @Override
    protected List<String> arguments() {
        // main.js finds its TLS certificate (server.json) in the working directory, the package folder
        return List.of("main.js");
    }

    @Override
    protected void configureEnvironment(Map<String, String> env) {
        env.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(plainPort));
        env.put("KINESIS_MOCK_TLS_PORT", String.valueOf(tlsPort));
        env.put("SHARD_LIMIT", String.valueOf(SHARD_LIMIT));
        env.put("ON_DEMAND_STREAM_COUNT_LIMIT", "1000");
        DURATION_VARIABLES.forEach(variable -> env.put(variable, "0ms"));
        // WARN also logs the requests it rejects, which is what a failing test needs
        env.put("LOG_LEVEL", "WARN");
        // pinned, so that the CI environment (AWS_REGION, persistence settings...) does not leak in
        env.put("AWS_REGION", REGION);
        env.put("AWS_ACCOUNT_ID", "000000000000");
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("LOAD_DATA_IF_EXISTS", "false");
        env.remove("INITIALIZE_STREAMS");
        env.remove("KINESIS_MOCK_CERT_PATH");
        env.putAll(extraEnvironment);
    }

    @Override
    protected boolean answers() throws Exception {
        return postAwsJson(endpoint(), "kinesis", "Kinesis_20131202.ListStreams", "application/x-amz-json-1.1", "{}")
                .statusCode() == 200;
    }

    @Override
    protected synchronized void beforeStop() {
        if (client != null) {
            client.close();
            client = null;
            clientEventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            clientEventLoop = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + plainPort);
    }

    /**
     * HTTPS port, on all interfaces. The certificate is self-signed (CN=Unknown): trust all certificates, and use
     * HTTP/1.1 (Netty's HTTP/2 fails against it).
     */
    public int tlsPort() {
        return tlsPort;
    }

    public String region() {
        return REGION;
    }

    /** An SDK client for this emulator, shared, closed by {@link #stop()}. */
    public synchronized KinesisAsyncClient client() {
        if (!isRunning()) {
            throw new IllegalStateException("kinesis-mock is not running");
        }
        if (client == null) {
            clientEventLoop = new NioEventLoopGroup(2);
            client = KinesisAsyncClient.builder()
                    .endpointOverride(endpoint())
                    .region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .eventLoopGroup(SdkEventLoopGroup.create(clientEventLoop)))
                    .build();
        }
        return client;
    }

    /** Creates a provisioned stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        await(client().createStream(r -> r.streamName(name).shardCount(shards)));
        long deadline = deadline();
        while (true) {
            StreamStatus status = await(client().describeStreamSummary(r -> r.streamName(name)))
                    .streamDescriptionSummary().streamStatus();
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            pause(deadline, "stream " + name + " still " + status);
        }
    }

    /** Deletes a stream (and its consumers) and waits until it is gone, so that the name can be used again. */
    public void deleteStream(String name) {
        await(client().deleteStream(r -> r.streamName(name).enforceConsumerDeletion(true)));
        long deadline = deadline();
        while (true) {
            try {
                await(client().describeStreamSummary(r -> r.streamName(name)));
            } catch (ResourceNotFoundException gone) {
                return;
            }
            pause(deadline, "stream " + name + " not deleted");
        }
    }

    /**
     * Every record of every shard of the stream, read from TRIM_HORIZON, shard after shard (in ListShards order), each in
     * sequence order. A shard is read until a page comes back empty with MillisBehindLatest 0, or until its end if closed.
     */
    public List<ShardRecord> readAll(String stream) {
        List<ShardRecord> records = new ArrayList<>();
        for (Shard shard : listShards(stream)) {
            readShard(stream, shard.shardId(), records);
        }
        return records;
    }

    /** A record as read back by {@link #readAll(String)}, with the shard it came from. */
    public record ShardRecord(String shardId, Record record) {

        public String partitionKey() {
            return record.partitionKey();
        }

        public String sequenceNumber() {
            return record.sequenceNumber();
        }

        public byte[] data() {
            return record.data().asByteArray();
        }

        public String dataAsUtf8() {
            return record.data().asUtf8String();
        }
    }

    private List<Shard> listShards(String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsRequest request = ListShardsRequest.builder().streamName(stream).build();
        while (true) {
            ListShardsResponse page = await(client().listShards(request));
            shards.addAll(page.shards());
            if (page.nextToken() == null) {
                return shards;
            }
            request = ListShardsRequest.builder().nextToken(page.nextToken()).build();
        }
    }

    private void readShard(String stream, String shardId, List<ShardRecord> into) {
        String iterator = await(client().getShardIterator(r -> r.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))).shardIterator();
        long deadline = deadline();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse page = await(client().getRecords(r -> r.shardIterator(current).limit(10_000)));
            page.records().forEach(record -> into.add(new ShardRecord(shardId, record)));
            Long behind = page.millisBehindLatest();
            if (page.records().isEmpty() && (behind == null || behind == 0)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Shard " + shardId + " of " + stream + " not read within "
                        + OPERATION_TIMEOUT.toSeconds() + " s");
            }
            iterator = page.nextShardIterator();
        }
    }

    private static long deadline() {
        return System.nanoTime() + OPERATION_TIMEOUT.toNanos();
    }

    private static void pause(long deadline, String failure) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(failure + " after " + OPERATION_TIMEOUT.toSeconds() + " s");
        }
        LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }

    /** Waits for an SDK call; rethrows the service exception itself (e.g. ResourceNotFoundException). */
    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get(OPERATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IllegalStateException("No answer from kinesis-mock within " + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
