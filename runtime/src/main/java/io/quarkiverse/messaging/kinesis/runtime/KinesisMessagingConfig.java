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
     * The AWS region of the streams, e.g. {@code eu-west-1}, for the channels that set no {@code region} attribute
     * (channel or connector level, which win). When not set anywhere, the AWS default region chain applies
     * ({@code aws.region}, {@code AWS_REGION}, the profile file); with no region at all the start fails naming the
     * channel. Dev Services set it to their emulator's region.
     */
    Optional<String> region();

    /**
     * A Kinesis endpoint to use instead of the region's, e.g. {@code http://localhost:4567} for a local emulator, for
     * the channels that set no {@code endpoint-override} attribute. Setting it keeps Dev Services from starting an
     * emulator; when not set, Dev Services set it to theirs in dev and test mode. The DynamoDB lease table has its own
     * {@code dynamodb-endpoint-override} attribute.
     */
    Optional<String> endpointOverride();

    /**
     * Credentials of the clients the connector builds, for channels without a {@code credentials-type} attribute.
     */
    @ConfigDocSection
    Credentials credentials();

    /**
     * The HTTP client of the Kinesis and DynamoDB clients the connector builds.
     */
    @ConfigDocSection
    HttpClient httpClient();

    /**
     * The credentials of the clients the connector builds, for channels without a {@code credentials-type}
     * attribute. The same keys as the channels' {@code credentials-*} attributes; a credentials set named by
     * {@code source} (or by a channel's {@code dynamodb-credentials}) is defined with
     * {@code mp.messaging.connector.smallrye-kinesis.credentials.<name>.*}.
     */
    interface Credentials {

        /**
         * {@code default}: the AWS default credentials chain (system properties, environment, web identity token
         * (EKS IRSA), profile, container and instance roles). {@code static}: the access key id and secret access key
         * below (emulators and tests). {@code profile}: a profile of a credentials file. {@code assume-role}: a role
         * assumed through STS with the credentials of {@code source}. {@code web-identity}: a role assumed with the
         * OIDC token of {@code web-identity-token-file}. {@code container}: the ECS task role or EKS Pod Identity.
         * {@code custom}: the CDI bean of type {@code AwsCredentialsProvider} named by {@code bean}.
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

        /**
         * The profile, with {@code type=profile}; defaults to {@code AWS_PROFILE}, else {@code default}.
         */
        Optional<String> profileName();

        /**
         * A credentials file to read the profile from, with {@code type=profile}; defaults to the SDK's profile files.
         */
        Optional<String> profileFile();

        /**
         * The ARN of the role to assume, with {@code type=assume-role} or {@code web-identity}.
         */
        Optional<String> roleArn();

        /**
         * The external id the role's trust policy requires, with {@code type=assume-role}.
         */
        Optional<String> externalId();

        /**
         * The role session name, with {@code type=assume-role} or {@code web-identity}; defaults to
         * {@code smallrye-kinesis}.
         */
        Optional<String> roleSessionName();

        /**
         * How long the role's credentials last (15m to 12h), with {@code type=assume-role}; STS's default (1h) when not set.
         * They are refreshed in
         * the background 5 minutes before they expire.
         */
        Optional<String> roleSessionDuration();

        /**
         * The OIDC token file, with {@code type=web-identity}.
         */
        Optional<String> webIdentityTokenFile();

        /**
         * The name of the credentials set that calls STS, with {@code type=assume-role}; the default chain when not
         * set.
         */
        Optional<String> source();

        /**
         * The {@code @Identifier} of the {@code AwsCredentialsProvider} bean, with {@code type=custom}.
         */
        Optional<String> bean();

        /**
         * An STS endpoint to use instead of the region's (e.g. a VPC endpoint), with {@code type=assume-role} or
         * {@code web-identity}.
         */
        Optional<String> stsEndpointOverride();

        /**
         * The region of STS; defaults to the channel's region.
         */
        Optional<String> stsRegion();
    }

    enum CredentialsType {
        DEFAULT,
        STATIC,
        PROFILE,
        ASSUME_ROLE,
        WEB_IDENTITY,
        CONTAINER,
        CUSTOM
    }

    interface HttpClient {

        /**
         * The most concurrent requests (connections, over HTTP/1.1) of one client the connector builds. The SDK's
         * default (50) when not set, except for the clients of fan-out channels: unbounded when not set (as the KCL),
         * since each SubscribeToShard subscription holds one HTTP/2 stream for its whole life. When set, it applies to
         * fan-out clients too and must exceed the shards read in fan-out by the node (all channels sharing the client)
         * plus a few for other calls, or the extra subscriptions wait for a connection and are retried. Must be positive.
         */
        OptionalInt maxConcurrency();

        /**
         * How long establishing a connection may take; the SDK's default (2 s) when not set.
         */
        Optional<Duration> connectionTimeout();

        /**
         * How long a request may wait for a connection of the pool (see {@code max-concurrency}); the SDK's default
         * (10 s) when not set.
         */
        Optional<Duration> connectionAcquisitionTimeout();

        /**
         * How long a read may wait for data; the SDK's default (30 s) when not set. A request that times out fails as
         * a transient error, which the channel retries with its back-off.
         */
        Optional<Duration> readTimeout();

        /**
         * How long a write may take; the SDK's default (30 s) when not set.
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
