package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Defaults for the Kinesis clients the connector builds, shared by all channels. A host (e.g. the Quarkus extension,
 * from {@code quarkus.messaging.kinesis.*}) provides them as a CDI bean of this type; without one, every value is
 * empty and the AWS SDK's defaults and default chains apply. A channel's own attributes ({@code region},
 * {@code endpoint-override}, also at connector level) win over {@link #region()} and {@link #endpointOverride()};
 * channels with {@code client-bean} use none of these.
 */
public interface KinesisClientSettings {

    /** The HTTP client implementations. */
    String NETTY = "netty";
    String CRT = "crt";
    /** The service provider of the {@value #CRT} client (software.amazon.awssdk:aws-crt-client, optional). */
    String CRT_HTTP_SERVICE = "software.amazon.awssdk.http.crt.AwsCrtSdkHttpService";
    /** The HTTP versions of {@link #httpProtocol()}. */
    String HTTP1_1 = "http1.1";
    String HTTP2 = "http2";

    /** Settings without any value: the SDK's defaults. */
    KinesisClientSettings DEFAULTS = new KinesisClientSettings() {
    };

    /** The region for channels that name none. */
    default Optional<String> region() {
        return Optional.empty();
    }

    /** The name of the host's setting {@link #region()} comes from, for error messages; empty when there is none. */
    default Optional<String> regionSource() {
        return Optional.empty();
    }

    /** The endpoint URI for channels that name none. */
    default Optional<String> endpointOverride() {
        return Optional.empty();
    }

    /** The name of the setting {@link #endpointOverride()} comes from, for error messages. */
    default String endpointOverrideSource() {
        return "endpoint-override";
    }

    /**
     * The default credentials' properties by key, as the channel attributes {@code credentials-<key>} (type,
     * access-key-id, role-arn, ...; see {@link CredentialsSpec}): used by channels that set no
     * {@code credentials-type}. Empty: the SDK's default credentials chain.
     */
    default Optional<String> credentials(String key) {
        return Optional.empty();
    }

    /** How the names of the properties behind {@link #credentials(String)} start, for error messages. */
    default String credentialsPrefix() {
        return CredentialsSpec.ATTRIBUTE_PREFIX;
    }

    /** {@value #NETTY} (Netty on the Vert.x event loops) or {@value #CRT} (the AWS CRT HTTP client). */
    default String httpClient() {
        return NETTY;
    }

    /** The most concurrent HTTP requests (connections, for HTTP/1.1) of one client; fan-out clients: see FanOutHttp. */
    default OptionalInt maxConcurrency() {
        return OptionalInt.empty();
    }

    /**
     * {@value #HTTP1_1} or {@value #HTTP2} for the Kinesis clients (Netty only); empty: HTTP/1.1 for plain
     * {@code http://} endpoints (local emulators such as kinesalite speak only HTTP/1.1), the SDK's default (HTTP/2)
     * otherwise.
     */
    default Optional<String> httpProtocol() {
        return Optional.empty();
    }

    default Optional<Duration> connectionTimeout() {
        return Optional.empty();
    }

    default Optional<Duration> connectionAcquisitionTimeout() {
        return Optional.empty();
    }

    default Optional<Duration> readTimeout() {
        return Optional.empty();
    }

    default Optional<Duration> writeTimeout() {
        return Optional.empty();
    }

    /**
     * How often a channel checks that its stream is reachable (DescribeStreamSummary) for its readiness; zero or
     * negative: never, readiness then reflects only the outcome of the channel's own requests.
     */
    default Duration streamProbeInterval() {
        return Duration.ZERO;
    }
}
