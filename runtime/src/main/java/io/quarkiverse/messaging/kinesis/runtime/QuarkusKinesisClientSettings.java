package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.kinesis.client.CredentialsSpec;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClientSettings;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The connector's client defaults from {@code quarkus.messaging.kinesis.*}. Validated when built: a bad value fails
 * the start with the property's name and the allowed values.
 */
@Singleton
@Startup
public class QuarkusKinesisClientSettings implements KinesisClientSettings {

    static final String PREFIX = "quarkus.messaging.kinesis.";
    static final String CREDENTIALS_PREFIX = PREFIX + "credentials.";
    static final String CONNECTOR_PREFIX = "mp.messaging.connector.smallrye-kinesis.";

    private final KinesisMessagingConfig config;
    private final KinesisMessagingBuildTimeConfig buildTimeConfig;

    public QuarkusKinesisClientSettings(KinesisMessagingConfig config, KinesisMessagingBuildTimeConfig buildTimeConfig) {
        this.config = config;
        this.buildTimeConfig = buildTimeConfig;
        // checked now (required values, formats), so that a mistake fails the start even before a channel is built;
        // a named set (source) is defined at connector level, which every channel sees
        CredentialsSpec.read(this::credentials, CREDENTIALS_PREFIX, name -> ConfigProvider.getConfig()
                .getOptionalValue(CONNECTOR_PREFIX + name, String.class));
        validatePositive(PREFIX + "http-client.max-concurrency", config.httpClient().maxConcurrency());
    }

    @Override
    public Optional<String> credentials(String key) {
        KinesisMessagingConfig.Credentials credentials = config.credentials();
        switch (key) {
            case "type":
                return Optional.of(credentials.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            case "access-key-id":
                return credentials.accessKeyId();
            case "secret-access-key":
                return credentials.secretAccessKey();
            case "profile-name":
                return credentials.profileName();
            case "profile-file":
                return credentials.profileFile();
            case "role-arn":
                return credentials.roleArn();
            case "external-id":
                return credentials.externalId();
            case "role-session-name":
                return credentials.roleSessionName();
            case "role-session-duration":
                return credentials.roleSessionDuration();
            case "web-identity-token-file":
                return credentials.webIdentityTokenFile();
            case "source":
                return credentials.source();
            case "bean":
                return credentials.bean();
            case "sts-endpoint-override":
                return credentials.stsEndpointOverride();
            case "sts-region":
                return credentials.stsRegion();
            default:
                return Optional.empty();
        }
    }

    @Override
    public String credentialsPrefix() {
        return CREDENTIALS_PREFIX;
    }

    private static void validatePositive(String property, OptionalInt value) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw KinesisExceptions.ex.invalidSetting(property, String.valueOf(value.getAsInt()), "an integer of 1 or more");
        }
    }

    @Override
    public Optional<String> region() {
        return config.region();
    }

    @Override
    public Optional<String> regionSource() {
        return Optional.of(PREFIX + "region");
    }

    @Override
    public Optional<String> endpointOverride() {
        return config.endpointOverride();
    }

    @Override
    public String endpointOverrideSource() {
        return PREFIX + "endpoint-override";
    }

    @Override
    public String httpClient() {
        return buildTimeConfig.httpClient().type() == KinesisMessagingBuildTimeConfig.HttpClientType.CRT ? CRT : NETTY;
    }

    @Override
    public OptionalInt maxConcurrency() {
        return config.httpClient().maxConcurrency();
    }

    @Override
    public Optional<Duration> connectionTimeout() {
        return config.httpClient().connectionTimeout();
    }

    @Override
    public Optional<Duration> connectionAcquisitionTimeout() {
        return config.httpClient().connectionAcquisitionTimeout();
    }

    @Override
    public Optional<Duration> readTimeout() {
        return config.httpClient().readTimeout();
    }

    @Override
    public Optional<Duration> writeTimeout() {
        return config.httpClient().writeTimeout();
    }

    @Override
    public Optional<String> httpProtocol() {
        return config.httpClient().protocol()
                .map(protocol -> protocol == KinesisMessagingConfig.HttpProtocol.HTTP2 ? HTTP2 : HTTP1_1);
    }

    @Override
    public Duration streamProbeInterval() {
        return buildTimeConfig.health().enabled() ? buildTimeConfig.health().streamProbeInterval() : Duration.ZERO;
    }

    /** No secret in here. */
    @Override
    public String toString() {
        return "QuarkusKinesisClientSettings[region=" + config.region().orElse("(default chain)") + ", endpoint="
                + config.endpointOverride().orElse("(region's)") + ", credentials=" + config.credentials().type()
                + ", http-client=" + httpClient() + "]";
    }
}
