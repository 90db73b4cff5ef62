package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.net.URI;

import io.smallrye.reactive.messaging.kinesis.test.Kinesalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * An emulator the end-to-end runs write to, over HTTPS (the KPL speaks nothing else), every client on the same port:
 * kinesalite {@code --ssl} (fast, no shard limits, JSON only) or kinesis-mock's TLS port (slow, CBOR). The consumer
 * runs use plain HTTP: {@link #kinesalitePlain()} (HTTP/1.1) and {@link #kinesisMockPlain()} (h2c, HTTP/2 without TLS,
 * which enhanced fan-out needs).
 */
interface Target extends AutoCloseable {

    String KINESALITE = "kinesalite 3.3.3 (--ssl, CBOR off)";
    String KINESIS_MOCK = "kinesis-mock (kinesis-local 0.6.2, TLS port)";

    String name();

    /** A new SDK client for the emulator (HTTP/1.1, certificate not checked), owned by the caller. */
    KinesisAsyncClient newClient();

    void createStream(String stream, int shards);

    /** The HTTPS port, for the KPL (which connects to localhost). */
    int tlsPort();

    @Override
    void close();

    static Target kinesalite() {
        Kinesalite kinesalite = new Kinesalite(true);
        kinesalite.start();
        return new Target() {
            @Override
            public String name() {
                return KINESALITE;
            }

            @Override
            public KinesisAsyncClient newClient() {
                return kinesalite.newClient(http -> http.maxConcurrency(50));
            }

            @Override
            public void createStream(String stream, int shards) {
                kinesalite.createStream(stream, shards);
            }

            @Override
            public int tlsPort() {
                return kinesalite.port();
            }

            @Override
            public void close() {
                kinesalite.stop();
            }
        };
    }

    /** kinesalite on plain HTTP, CBOR off, HTTP/1.1 clients: the polling consumers' emulator. */
    static Target kinesalitePlain() {
        Kinesalite kinesalite = new Kinesalite();
        kinesalite.start();
        return new Target() {
            @Override
            public String name() {
                return "kinesalite 3.3.3 (plain HTTP, CBOR off)";
            }

            @Override
            public KinesisAsyncClient newClient() {
                return kinesalite.newClient();
            }

            @Override
            public void createStream(String stream, int shards) {
                kinesalite.createStream(stream, shards);
            }

            @Override
            public int tlsPort() {
                throw new UnsupportedOperationException("kinesalite runs without TLS here");
            }

            @Override
            public void close() {
                kinesalite.stop();
            }
        };
    }

    /**
     * kinesis-mock on its plain port, clients on HTTP/2 (h2c, as SubscribeToShard needs) with the SDK's Netty defaults
     * but {@code maxConcurrency} (on HTTP/2, the concurrent streams of the client: one per fan-out subscription).
     */
    static Target kinesisMockPlain(int maxConcurrency) {
        KinesisMock mock = new KinesisMock();
        mock.start();
        java.util.List<software.amazon.awssdk.http.async.SdkAsyncHttpClient> httpClients = new java.util.concurrent.CopyOnWriteArrayList<>();
        return new Target() {
            @Override
            public String name() {
                return "kinesis-mock (kinesis-local 0.6.2, plain port, HTTP/2)";
            }

            @Override
            public KinesisAsyncClient newClient() {
                software.amazon.awssdk.http.async.SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP2)
                        .maxConcurrency(maxConcurrency)
                        .build();
                httpClients.add(http);
                return KinesisAsyncClient.builder()
                        .endpointOverride(mock.endpoint())
                        .region(Region.of(KinesisMock.REGION))
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                        .httpClient(http)
                        .build();
            }

            @Override
            public void createStream(String stream, int shards) {
                mock.createStream(stream, shards);
            }

            @Override
            public int tlsPort() {
                return mock.tlsPort();
            }

            @Override
            public void close() {
                httpClients.forEach(software.amazon.awssdk.http.async.SdkAsyncHttpClient::close);
                mock.stop();
            }
        };
    }

    static Target kinesisMock() {
        KinesisMock mock = new KinesisMock();
        mock.start();
        java.util.List<software.amazon.awssdk.http.async.SdkAsyncHttpClient> httpClients = new java.util.concurrent.CopyOnWriteArrayList<>();
        return new Target() {
            @Override
            public String name() {
                return KINESIS_MOCK;
            }

            @Override
            public KinesisAsyncClient newClient() {
                software.amazon.awssdk.http.async.SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .maxConcurrency(50)
                        .buildWithDefaults(AttributeMap.builder()
                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build());
                httpClients.add(http);
                return KinesisAsyncClient.builder()
                        .endpointOverride(URI.create("https://127.0.0.1:" + mock.tlsPort()))
                        .region(Region.of(KinesisMock.REGION))
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                        .httpClient(http)
                        .build();
            }

            @Override
            public void createStream(String stream, int shards) {
                mock.createStream(stream, shards);
            }

            @Override
            public int tlsPort() {
                return mock.tlsPort();
            }

            @Override
            public void close() {
                httpClients.forEach(software.amazon.awssdk.http.async.SdkAsyncHttpClient::close);
                mock.stop();
            }
        };
    }
}
