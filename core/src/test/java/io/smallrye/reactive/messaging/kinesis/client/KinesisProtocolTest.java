package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;

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
        assertThat(KinesisClients.kinesisProtocol(protocol(null), local)).isEqualTo(Protocol.HTTP1_1);
        assertThat(KinesisClients.kinesisProtocol(protocol(KinesisClientSettings.HTTP2), local))
                .isEqualTo(Protocol.HTTP2);
    }

    @Test
    void tlsAndRegionEndpointsKeepTheSdkDefaultUnlessConfigured() {
        assertThat(KinesisClients.kinesisProtocol(protocol(null), URI.create("https://kinesis.eu-west-1.amazonaws.com")))
                .isNull();
        assertThat(KinesisClients.kinesisProtocol(protocol(null), null)).isNull();
        assertThat(KinesisClients.kinesisProtocol(protocol(KinesisClientSettings.HTTP1_1), null))
                .isEqualTo(Protocol.HTTP1_1);
    }
}
