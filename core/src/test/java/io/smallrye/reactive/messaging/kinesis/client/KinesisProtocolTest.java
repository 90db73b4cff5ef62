package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.http.Protocol;

class KinesisProtocolTest {

    private static KinesisClientSettings protocol(String value) {
        return new KinesisClientSettings() {
            @Override
            public Optional<String> httpProtocol() {
                return Optional.ofNullable(value);
            }
        };
    }

    @Test
    void plainHttpEndpointsGetHttp11UnlessConfigured() {
        URI local = URI.create("http://127.0.0.1:4567");
        assertThat(SdkHttpClients.kinesisProtocol(protocol(null), local)).isEqualTo(Protocol.HTTP1_1);
        assertThat(SdkHttpClients.kinesisProtocol(protocol(KinesisClientSettings.HTTP2), local))
                .isEqualTo(Protocol.HTTP2);
    }

    @Test
    void tlsAndRegionEndpointsKeepTheSdkDefaultUnlessConfigured() {
        assertThat(SdkHttpClients.kinesisProtocol(protocol(null), URI.create("https://kinesis.eu-west-1.amazonaws.com")))
                .isNull();
        assertThat(SdkHttpClients.kinesisProtocol(protocol(null), null)).isNull();
        assertThat(SdkHttpClients.kinesisProtocol(protocol(KinesisClientSettings.HTTP1_1), null))
                .isEqualTo(Protocol.HTTP1_1);
    }

    @Test
    void fanOutChannelsGetHttp2EvenOnPlainHttpAndRefuseSettingsThatRuleItOut() {
        assertThat(SdkHttpClients.fanOutProtocol("orders", protocol(null))).isEqualTo(Protocol.HTTP2);
        assertThat(SdkHttpClients.fanOutProtocol("orders", protocol(KinesisClientSettings.HTTP2)))
                .isEqualTo(Protocol.HTTP2);
        assertThatThrownBy(() -> SdkHttpClients.fanOutProtocol("orders", protocol(KinesisClientSettings.HTTP1_1)))
                .hasMessageContaining("orders").hasMessageContaining("fan-out").hasMessageContaining("HTTP/2")
                .hasMessageContaining("http1.1").hasMessageContaining("http-client.protocol");
        KinesisClientSettings crt = new KinesisClientSettings() {
            @Override
            public String httpClient() {
                return KinesisClientSettings.CRT;
            }
        };
        assertThatThrownBy(() -> SdkHttpClients.fanOutProtocol("orders", crt))
                .hasMessageContaining("crt").hasMessageContaining("http-client.type");
    }

    @Test
    void fanOutClientsHaveNoConcurrencyLimitUnlessTheHostSetsOneAndTheKclsHttp2Settings() {
        assertThat(FanOutHttp.maxConcurrency(protocol(null))).as("one HTTP/2 stream per subscription, for its life")
                .isEqualTo(Integer.MAX_VALUE);
        KinesisClientSettings limited = new KinesisClientSettings() {
            @Override
            public OptionalInt maxConcurrency() {
                return OptionalInt.of(500);
            }
        };
        assertThat(FanOutHttp.maxConcurrency(limited)).isEqualTo(500);
        assertThat(FanOutHttp.http2().initialWindowSize()).isEqualTo(512 * 1024);
        assertThat(FanOutHttp.http2().healthCheckPingPeriod()).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    @Test
    void onlyLoopbackEndpointsCountAsLocalForTheirSelfSignedCertificates() {
        assertThat(SdkHttpClients.isLocal(URI.create("https://localhost:4567"))).isTrue();
        assertThat(SdkHttpClients.isLocal(URI.create("https://127.0.0.1:4567"))).isTrue();
        assertThat(SdkHttpClients.isLocal(URI.create("https://127.3.2.1:4567"))).isTrue();
        assertThat(SdkHttpClients.isLocal(URI.create("https://[::1]:4567"))).isTrue();
        // certificates of every other endpoint are verified: names are not resolved, other addresses are not local
        assertThat(SdkHttpClients.isLocal(URI.create("https://kinesis.eu-west-1.amazonaws.com"))).isFalse();
        assertThat(SdkHttpClients.isLocal(URI.create("https://localhost.example.com"))).isFalse();
        assertThat(SdkHttpClients.isLocal(URI.create("https://10.0.0.5:4567"))).isFalse();
        assertThat(SdkHttpClients.isLocal(URI.create("https://[2001:db8::1]:4567"))).isFalse();
        assertThat(SdkHttpClients.isLocal(null)).as("the region's AWS endpoint").isFalse();
    }
}
