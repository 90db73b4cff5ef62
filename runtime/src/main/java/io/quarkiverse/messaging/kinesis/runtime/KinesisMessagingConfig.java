package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Runtime defaults of every {@code smallrye-kinesis} channel. A channel's own attributes
 * ({@code mp.messaging.[incoming|outgoing].<channel>.region}, ...) and the connector-level attributes
 * ({@code mp.messaging.connector.smallrye-kinesis.region}, ...) win over these. Channels with {@code client-bean}
 * use the named client as it is.
 */
@ConfigMapping(prefix = "quarkus.messaging.kinesis")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface KinesisMessagingConfig {

    /**
     * The AWS region of the streams, e.g. {@code eu-west-1}. When not set, the AWS default region chain applies
     * ({@code aws.region}, {@code AWS_REGION}, the profile file).
     */
    Optional<String> region();

    /**
     * A Kinesis endpoint to use instead of the region's, e.g. {@code http://localhost:4567} for a local emulator.
     * Set by Dev Services in dev and test mode.
     */
    Optional<String> endpointOverride();

    /**
     * Credentials.
     */
    @ConfigDocSection
    Credentials credentials();

    /**
     * The HTTP client of the Kinesis clients the connector builds.
     */
    @ConfigDocSection
    HttpClient httpClient();

    interface Credentials {

        /**
         * {@code default}: the AWS default credentials chain (system properties, environment, web identity, profile,
         * container and instance roles). {@code static}: the access key id and secret access key below, meant for
         * local endpoints (emulators) and tests; use the default chain against AWS.
         */
        @WithDefault("default")
        CredentialsType type();

        /**
         * The access key id, with {@code type=static}.
         */
        Optional<String> accessKeyId();

        /**
         * The secret access key, with {@code type=static}. Never logged.
         */
        Optional<String> secretAccessKey();
    }

    enum CredentialsType {
        DEFAULT,
        STATIC
    }

    interface HttpClient {

        /**
         * The most concurrent requests (connections, over HTTP/1.1) of one Kinesis client. The SDK's default is 50.
         */
        OptionalInt maxConcurrency();

        /**
         * How long establishing a connection may take.
         */
        Optional<Duration> connectionTimeout();

        /**
         * How long a request may wait for a connection of the pool.
         */
        Optional<Duration> connectionAcquisitionTimeout();

        /**
         * How long a read may wait for data.
         */
        Optional<Duration> readTimeout();

        /**
         * How long a write may take.
         */
        Optional<Duration> writeTimeout();

        /**
         * The HTTP version the Kinesis clients speak (Netty client only): {@code http1-1} or {@code http2}. Unset:
         * HTTP/1.1 for plain {@code http://} endpoints (local emulators such as kinesalite speak only HTTP/1.1), the
         * SDK's default (HTTP/2) otherwise. DynamoDB clients always use HTTP/1.1.
         */
        Optional<HttpProtocol> protocol();
    }

    enum HttpProtocol {
        HTTP1_1,
        HTTP2
    }
}
