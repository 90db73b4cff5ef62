package io.quarkiverse.messaging.kinesis.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis calls made to a local emulator (kinesis-mock) while it is started or shared: whether it answers, and
 * creating streams. The SDK's synchronous client over the JDK's URL connection, static dummy credentials (the
 * emulator checks that requests are signed, not by whom), no retries: the callers poll.
 */
public final class KinesisEmulatorClient implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final URI endpoint;
    private final KinesisClient kinesis;

    public KinesisEmulatorClient(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.kinesis = KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("emulator-access-key-id", "emulator-secret-access-key")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(2)).build())
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Whether the emulator answers ListStreams. */
    public boolean answers() {
        try {
            kinesis.listStreams(request -> request.limit(1));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /** Whether the stream exists and is ACTIVE; an emulator that does not answer yet throws {@link SdkException}. */
    public boolean isActive(String stream) {
        try {
            return kinesis.describeStreamSummary(request -> request.streamName(stream)).streamDescriptionSummary()
                    .streamStatus() == StreamStatus.ACTIVE;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    /**
     * Creates the streams that do not exist yet (existing ones are left as they are, whatever their shard count) and
     * waits until all are ACTIVE.
     *
     * @return null when done, else why not
     */
    public String createStreams(Map<String, Integer> streams, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, Integer> stream : streams.entrySet()) {
            try {
                kinesis.createStream(request -> request.streamName(stream.getKey()).shardCount(stream.getValue()));
            } catch (ResourceInUseException exists) {
                // created earlier (by this application before a restart, or by another one)
            } catch (SdkException e) {
                return "CreateStream of '" + stream.getKey() + "' on " + endpoint + " failed: " + e.getMessage();
            }
            try {
                while (!isActive(stream.getKey())) {
                    if (System.nanoTime() > deadline) {
                        return "stream '" + stream.getKey() + "' not ACTIVE within " + timeout.toSeconds() + " s";
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (SdkException e) {
                return "the emulator at " + endpoint + " did not answer: " + e.getMessage();
            }
        }
        return null;
    }

    @Override
    public void close() {
        kinesis.close();
    }
}
