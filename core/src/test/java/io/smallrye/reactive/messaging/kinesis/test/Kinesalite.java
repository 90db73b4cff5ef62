package io.smallrye.reactive.messaging.kinesis.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * kinesalite (npm package {@code kinesalite}): a fast Kinesis emulator without per-shard limits, on {@link #endpoint()},
 * over plain HTTP or, with {@code ssl}, over HTTPS with its own self-signed certificate (what the KPL needs). Streams are
 * created and deleted without delay, and up to {@value #SHARD_LIMIT} shards may exist at once.
 * <p>
 * kinesalite only speaks the JSON protocol: an SDK client for it must have CBOR off. The SDK has no per-client option
 * for it; it reads {@code aws.cborEnabled} once per client, when the client is built (AwsCborProtocolFactory), so
 * {@link #newClient()} sets the property only while building and restores it: other clients of the JVM keep CBOR.
 */
public class Kinesalite extends NodeEmulator {

    public static final String REGION = KinesisMock.REGION;
    static final int SHARD_LIMIT = 1000;
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Object CBOR_PROPERTY_LOCK = new Object();
    /**
     * Preloaded into node. kinesalite rethrows the error of a request whose client went away mid-body ("aborted",
     * ECONNRESET), which ends the process: one client timing out a request would stop the emulator under every other
     * client. The error is logged and the process goes on; any other uncaught error still ends it.
     */
    private static final String SURVIVE_ABORTED_REQUESTS_JS = """
            // preloaded by the smallrye-kinesis test support (Kinesalite)
            let aborted = 0;
            process.on('uncaughtException', (err) => {
              if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
                aborted++;
                console.error(`kinesalite: request aborted by its client (${aborted} so far): ${err.message}`);
                return;
              }
              console.error(err);
              process.exit(1);
            });
            """;

    private final boolean ssl;
    private int port;
    private KinesisAsyncClient client;
    private SdkAsyncHttpClient httpClient;

    /** Over plain HTTP. */
    public Kinesalite() {
        this(false);
    }

    /** @param ssl whether to serve HTTPS (self-signed certificate) instead of HTTP */
    public Kinesalite(boolean ssl) {
        super(ssl ? "kinesalite-ssl" : "kinesalite");
        this.ssl = ssl;
    }

    @Override
    protected String packageName() {
        return "kinesalite";
    }

    @Override
    protected void choosePorts() {
        port = freePorts(1)[0];
    }

    @Override
    protected List<String> arguments() {
        List<String> arguments = new java.util.ArrayList<>(List.of(
                "--require", script("kinesalite-survive-aborted-requests.js", SURVIVE_ABORTED_REQUESTS_JS).toString(),
                "cli.js", "--port", String.valueOf(port),
                "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0",
                "--shardLimit", String.valueOf(SHARD_LIMIT)));
        if (ssl) {
            arguments.add("--ssl");
        }
        return arguments;
    }

    @Override
    protected boolean answers() throws Exception {
        if (!ssl) {
            return postAwsJson(endpoint(), "kinesis", "Kinesis_20131202.ListStreams", "application/x-amz-json-1.1", "{}")
                    .statusCode() == 200;
        }
        // the probe's HTTP client does not trust the self-signed certificate: ask through an SDK client that does
        try (KinesisAsyncClient probe = newClient()) {
            probe.listStreams().get(2, TimeUnit.SECONDS);
            return true;
        }
    }

    @Override
    protected synchronized void beforeStop() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** {@code http://127.0.0.1:port}, or {@code https://...} with ssl. */
    public URI endpoint() {
        return URI.create((ssl ? "https" : "http") + "://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public boolean ssl() {
        return ssl;
    }

    public String region() {
        return REGION;
    }

    /** An SDK client for this emulator, shared, closed by {@link #stop()}. */
    public synchronized KinesisAsyncClient client() {
        if (!isRunning()) {
            throw new IllegalStateException("kinesalite is not running");
        }
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    /**
     * A new SDK client for this emulator, owned by the caller: CBOR off, static dummy credentials, HTTP/1.1 and, with
     * ssl, every certificate trusted.
     */
    public KinesisAsyncClient newClient() {
        return newClient(builder -> builder);
    }

    /** Like {@link #newClient()}, with HTTP client settings of the caller's (e.g. maxConcurrency). */
    public KinesisAsyncClient newClient(
            java.util.function.UnaryOperator<NettyNioAsyncHttpClient.Builder> httpSettings) {
        AttributeMap.Builder defaults = AttributeMap.builder();
        if (ssl) {
            defaults.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true);
        }
        NettyNioAsyncHttpClient.Builder http = httpSettings.apply(NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1));
        return withCborOff(() -> KinesisAsyncClient.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                // built and closed by the SDK client, with our settings over the service's defaults
                .httpClientBuilder(new HttpClientBuilder(http, defaults.build()))
                .build());
    }

    /**
     * Builds an SDK client with CBOR off: {@code aws.cborEnabled=false} while {@code build} runs, then restored. The
     * SDK reads it when it builds the client's protocol factory, not per request.
     */
    public static <T> T withCborOff(Supplier<T> build) {
        synchronized (CBOR_PROPERTY_LOCK) {
            SystemProperties saved = SystemProperties.set(Map.of("aws.cborEnabled", "false"));
            try {
                return build.get();
            } finally {
                saved.restore();
            }
        }
    }

    /** Builds the HTTP client with settings of ours over the service's defaults. */
    private record HttpClientBuilder(NettyNioAsyncHttpClient.Builder http, AttributeMap settings)
            implements
                SdkAsyncHttpClient.Builder<HttpClientBuilder> {

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return http.buildWithDefaults(settings.merge(serviceDefaults));
        }
    }

    /** Creates a stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        await(client().createStream(r -> r.streamName(name).shardCount(shards)));
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        while (true) {
            StreamStatus status = await(client().describeStreamSummary(r -> r.streamName(name)))
                    .streamDescriptionSummary().streamStatus();
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + name + " still " + status);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

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
            throw new IllegalStateException("No answer from kinesalite within " + OPERATION_TIMEOUT.toSeconds() + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
