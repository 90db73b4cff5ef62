package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.netty.channel.nio.NioEventLoopGroup;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * The SDK's Netty client on an event loop group it does not own (Vert.x's, here a plain one), as the connector builds
 * it: closing it while a request is under way, and a reset of an idle pooled connection.
 */
class ClientConnectionsTest {

    private final NioEventLoopGroup eventLoops = new NioEventLoopGroup(2);

    @AfterEach
    void stopEventLoops() {
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void closingWithAnHttp2RequestUnderWayTakesMillisecondsWithoutError() {
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.HANG);
                AllLogs logs = AllLogs.atWarn()) {
            ClientConnections connections = new ClientConnections();
            SdkAsyncHttpClient http = client(connections.on(eventLoops), Protocol.HTTP2);
            CompletableFuture<Void> request = get(http, server);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 1 && connections.open() == 1);

            long started = System.nanoTime();
            connections.closeAll();
            http.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            await().atMost(Duration.ofSeconds(2)).until(request::isDone);
            assertThat(request).isCompletedExceptionally();
            assertThat(took).as("close with a stalled HTTP/2 connection").isLessThan(Duration.ofSeconds(1));
            assertThat(logs.errors()).isEmpty();
            System.out.printf("ClientConnectionsTest: HTTP/2 client with a stalled connection closed in %d ms%n",
                    took.toMillis());
        }
    }

    @Test
    void anHttp2RequestUnderWayHoldsTheSdkPoolsOpenWithoutTheConnections() {
        // the fault the connector guards against, shown on the SDK alone: close waits for the stalled connection
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.HANG);
                AllLogs logs = AllLogs.atWarn()) {
            SdkAsyncHttpClient http = client(SdkEventLoopGroup.create(eventLoops), Protocol.HTTP2);
            get(http, server);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 1);

            long started = System.nanoTime();
            http.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
            assertThat(logs.containing("Unable to close channel pools")).isNotEmpty();
        }
    }

    @Test
    void closingWithAnHttp1RequestUnderWayClosesItsConnection() {
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.HANG);
                AllLogs logs = AllLogs.atWarn()) {
            ClientConnections connections = new ClientConnections();
            SdkAsyncHttpClient http = client(connections.on(eventLoops), Protocol.HTTP1_1);
            CompletableFuture<Void> request = get(http, server);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 1 && connections.open() == 1);

            long started = System.nanoTime();
            connections.closeAll();
            http.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(connections.open()).as(connections.toString()).isZero();
            await().atMost(Duration.ofSeconds(2)).until(request::isDone);
            assertThat(request).isCompletedExceptionally();
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertThat(logs.errors()).isEmpty();
        }
    }

    @Test
    void aResetHttp2ConnectionIsLoggedAtDebugNotWarnedByNetty() {
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.RESET);
                AllLogs logs = AllLogs.debugOf("io.smallrye.reactive.messaging.kinesis")) {
            ClientConnections connections = new ClientConnections();
            SdkAsyncHttpClient http = client(connections.on(eventLoops), Protocol.HTTP2);
            CompletableFuture<Void> request = get(http, server);

            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.containing("SRKIN1501").isEmpty());
            await().atMost(Duration.ofSeconds(2)).until(request::isDone);
            assertThat(request).as("the request itself fails with the reset").isCompletedExceptionally();
            assertThat(logs.containing("reached at the tail of the pipeline")).isEmpty();
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("WARN") || line.startsWith("SEVERE")
                    || line.startsWith("ERROR")).isEmpty();
            http.close();
        }
    }

    @Test
    void nettyWarnsOfAResetHttp2ConnectionOnTheSdkChannels() {
        // the noise the connector's pipeline removes, shown on the SDK's own channels
        try (LoopbackServer server = new LoopbackServer(LoopbackServer.Mode.RESET);
                AllLogs logs = AllLogs.atWarn()) {
            SdkAsyncHttpClient http = client(SdkEventLoopGroup.create(eventLoops), Protocol.HTTP2);
            get(http, server);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !logs.containing("reached at the tail of the pipeline").isEmpty());
            http.close();
        }
    }

    private static SdkAsyncHttpClient client(SdkEventLoopGroup group, Protocol protocol) {
        return NettyNioAsyncHttpClient.builder().eventLoopGroup(group).protocol(protocol).build();
    }

    /** A GET of / whose future completes when the answer's body has been read. */
    private static CompletableFuture<Void> get(SdkAsyncHttpClient http, LoopbackServer server) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(server.endpoint()).build();
        CompletableFuture<Void> bodyRead = new CompletableFuture<>();
        CompletableFuture<Void> executed = http.execute(AsyncExecuteRequest.builder()
                .request(request)
                .requestContentPublisher(new EmptyContent())
                .responseHandler(new SdkAsyncHttpResponseHandler() {
                    @Override
                    public void onHeaders(SdkHttpResponse headers) {
                    }

                    @Override
                    public void onStream(Publisher<ByteBuffer> stream) {
                        stream.subscribe(new Subscriber<>() {
                            @Override
                            public void onSubscribe(Subscription subscription) {
                                subscription.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(ByteBuffer buffer) {
                            }

                            @Override
                            public void onError(Throwable failure) {
                                bodyRead.completeExceptionally(failure);
                            }

                            @Override
                            public void onComplete() {
                                bodyRead.complete(null);
                            }
                        });
                    }

                    @Override
                    public void onError(Throwable failure) {
                        bodyRead.completeExceptionally(failure);
                    }
                })
                .build());
        executed.whenComplete((ok, failure) -> {
            if (failure != null) {
                bodyRead.completeExceptionally(failure);
            }
        });
        return executed.thenCombine(bodyRead, (a, b) -> null);
    }

    private static final class EmptyContent implements SdkHttpContentPublisher {
        @Override
        public java.util.Optional<Long> contentLength() {
            return java.util.Optional.of(0L);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onComplete();
        }
    }
}
