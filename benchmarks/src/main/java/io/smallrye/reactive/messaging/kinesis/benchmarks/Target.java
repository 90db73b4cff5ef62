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
 * kinesalite {@code --ssl} (fast, no shard limits, JSON only) or kinesis-mock's TLS port (slow, CBOR).
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
