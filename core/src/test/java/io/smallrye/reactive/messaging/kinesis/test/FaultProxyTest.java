package io.smallrye.reactive.messaging.kinesis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Each mode of the {@link FaultProxy} as an SDK client sees it (HTTP/1.1, no retries), in front of kinesis-mock and
 * dynalite: the proxy is only useful if the SDK reads its faults as it reads the real ones.
 */
@ExtendWith(KinesisMockExtension.class)
class FaultProxyTest {

    private static final String STREAM = "fault-proxy";
    /** Ours, so that closing a client does not wait for the quiet period of an event loop group of its own. */
    private static EventLoopGroup eventLoop;

    private FaultProxy proxy;
    private KinesisAsyncClient client;

    @BeforeAll
    static void createStream(KinesisMock kinesis) {
        kinesis.createStream(STREAM, 1);
        eventLoop = new NioEventLoopGroup(1);
    }

    @AfterAll
    static void stopEventLoop() {
        eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private KinesisAsyncClient clientThroughProxy(KinesisMock kinesis) {
        proxy = FaultProxy.start(kinesis.endpoint());
        client = kinesisClient(proxy.endpoint());
        return client;
    }

    private static KinesisAsyncClient kinesisClient(URI endpoint) {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(KinesisMock.REGION))
                .credentialsProvider(credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
                        .eventLoopGroup(SdkEventLoopGroup.create(eventLoop)))
                .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(2)))
                .build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY));
    }

    private void put(String text) {
        await(client.putRecord(r -> r.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String(text))));
    }

    private String iterator() {
        return await(client.getShardIterator(r -> r.streamName(STREAM).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))).shardIterator();
    }

    @Test
    void passesRequestsAndAnswersUnchanged(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        put("through the proxy");
        List<String> read = await(client.getRecords(r -> r.shardIterator(iterator()))).records().stream()
                .map(record -> record.data().asUtf8String()).toList();
        assertThat(read).contains("through the proxy");
        assertThat(proxy.faulted()).isZero();
        assertThat(proxy.requests()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aThrottlingAnswerIsReadAsProvisionedThroughputExceededOnlyForTheTargetedOperation(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        String iterator = iterator();
        proxy.inject(Fault.throttle().only("GetRecords"));

        Throwable failure = unwrap(catchThrowable(() -> await(client.getRecords(r -> r.shardIterator(iterator)))));

        assertThat(failure).isInstanceOf(ProvisionedThroughputExceededException.class)
                .hasMessageContaining("Rate exceeded");
        assertThat(((ProvisionedThroughputExceededException) failure).statusCode()).isEqualTo(400);
        assertThat(AwsErrors.classify(failure)).isEqualTo(FailureKind.THROTTLED);
        put("PutRecord is not targeted");
        assertThat(proxy.faulted()).isEqualTo(1);
    }

    @Test
    void aFaultLimitedToTheFirstRequestsLetsTheNextOnesPass(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        proxy.inject(Fault.throttle().only("Kinesis_20131202.PutRecord").first(2));

        assertThat(unwrap(catchThrowable(() -> put("first")))).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(unwrap(catchThrowable(() -> put("second"))))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        put("third");
        assertThat(proxy.faulted()).isEqualTo(2);
    }

    @Test
    void http503And500AreServiceErrorsWithTheirStatus(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        proxy.inject(Fault.http503().first(1));
        Throwable unavailable = unwrap(catchThrowable(() -> put("503")));
        proxy.inject(Fault.http500().first(1));
        Throwable internal = unwrap(catchThrowable(() -> put("500")));

        assertThat(unavailable).isInstanceOf(KinesisException.class);
        assertThat(((KinesisException) unavailable).statusCode()).isEqualTo(503);
        assertThat(((KinesisException) unavailable).awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(((KinesisException) internal).statusCode()).isEqualTo(500);
        assertThat(AwsErrors.classify(unavailable)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(AwsErrors.classify(internal)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void refusedConnectionsAreConnectExceptionsAndTheSamePortAnswersAgainAfterPass(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        put("before");
        proxy.refuse();

        // a client without a pooled connection: the one above may still be handing its reset connection out
        try (KinesisAsyncClient fresh = kinesisClient(proxy.endpoint())) {
            Throwable refused = unwrap(catchThrowable(() -> await(fresh.putRecord(
                    r -> r.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("refused"))))));
            assertThat(refused).isInstanceOf(SdkClientException.class);
            assertThat(causes(refused)).anyMatch(ConnectException.class::isInstance);
        }

        proxy.pass();
        put("after");
    }

    @Test
    void aHungRequestTimesOutAndLaterRequestsPassOnceTheFaultIsCleared(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        proxy.inject(Fault.hang());

        Throwable hung = unwrap(catchThrowable(() -> put("hung")));
        assertThat(hung).isInstanceOf(ApiCallAttemptTimeoutException.class);

        proxy.pass();
        put("after");
    }

    @Test
    void anAnswerCutByAResetIsAnIOException(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        proxy.inject(Fault.resetMidResponse().only("ListShards"));

        Throwable reset = unwrap(catchThrowable(() -> await(client.listShards(r -> r.streamName(STREAM)))));

        assertThat(reset).isInstanceOf(SdkClientException.class);
        assertThat(causes(reset)).anyMatch(IOException.class::isInstance);
        assertThat(AwsErrors.classify(reset)).isEqualTo(FailureKind.TRANSIENT);
        put("other operations pass");
    }

    @Test
    void aSlowAnswerArrivesWholeAfterTheDelay(KinesisMock kinesis) {
        clientThroughProxy(kinesis);
        proxy.inject(Fault.slow(Duration.ofMillis(500)).only("DescribeStreamSummary"));

        long start = System.nanoTime();
        String status = await(client.describeStreamSummary(r -> r.streamName(STREAM))).streamDescriptionSummary()
                .streamStatusAsString();

        assertThat(status).isEqualTo("ACTIVE");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(proxy.faulted()).isEqualTo(1);
    }

    @Test
    void aThrottledDynamoDbUpdateItemIsReadAsProvisionedThroughputExceeded() {
        try (Dynalite dynalite = new Dynalite()) {
            dynalite.start();
            proxy = FaultProxy.start(dynalite.endpoint());
            try (DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder()
                    .endpointOverride(proxy.endpoint())
                    .region(Region.of(KinesisMock.REGION))
                    .credentialsProvider(credentials())
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .eventLoopGroup(SdkEventLoopGroup.create(eventLoop)))
                    .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                    .build()) {
                await(dynamoDb.createTable(r -> r.tableName("leases").billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))));
                proxy.inject(Fault.throttle().only("DynamoDB_20120810.UpdateItem"));

                Throwable throttled = unwrap(catchThrowable(() -> await(dynamoDb.updateItem(r -> r.tableName("leases")
                        .key(Map.of("leaseKey", AttributeValue.fromS("shard-1")))
                        .updateExpression("SET leaseOwner = :o")
                        .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("me")))))));

                assertThat(throttled).isInstanceOf(
                        software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.class)
                        .hasMessageContaining("Rate exceeded");
                assertThat(await(dynamoDb.listTables()).tableNames()).containsExactly("leases");

                // the emulator killed and restarted behind the proxy: same endpoint, no table any more
                dynalite.restart();
                assertThat(await(dynamoDb.listTables()).tableNames()).isEmpty();
            }
        }
    }

    @Test
    void aRestartedKinesisMockAnswersOnTheSameEndpointWithoutStreams() {
        try (KinesisMock own = new KinesisMock()) {
            own.start();
            own.createStream("before-restart", 1);
            proxy = FaultProxy.start(own.endpoint());
            client = kinesisClient(proxy.endpoint());
            assertThat(await(client.listStreams()).streamNames()).containsExactly("before-restart");

            own.restart();

            assertThat(await(client.listStreams()).streamNames()).isEmpty();
            own.createStream("after-restart", 1);
            assertThat(await(client.listStreams()).streamNames()).containsExactly("after-restart");
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
