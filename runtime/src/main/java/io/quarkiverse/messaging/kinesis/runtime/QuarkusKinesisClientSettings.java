package io.quarkiverse.messaging.kinesis.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import io.smallrye.reactive.messaging.kinesis.client.KinesisClientSettings;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The connector's client defaults from {@code quarkus.messaging.kinesis.*}. Validated when built: a bad value fails
 * the start with the property's name and the allowed values.
 */
@Singleton
@Startup
public class QuarkusKinesisClientSettings implements KinesisClientSettings {

    static final String PREFIX = "quarkus.messaging.kinesis.";
    static final String CREDENTIALS_TYPE = PREFIX + "credentials.type";
    static final String ACCESS_KEY_ID = PREFIX + "credentials.access-key-id";
    static final String SECRET_ACCESS_KEY = PREFIX + "credentials.secret-access-key";

    private final KinesisMessagingConfig config;
    private final KinesisMessagingBuildTimeConfig buildTimeConfig;
    private final AwsCredentialsProvider credentials;

    public QuarkusKinesisClientSettings(KinesisMessagingConfig config, KinesisMessagingBuildTimeConfig buildTimeConfig) {
        this.config = config;
        this.buildTimeConfig = buildTimeConfig;
        this.credentials = credentials(config.credentials());
        validatePositive(PREFIX + "http-client.max-concurrency", config.httpClient().maxConcurrency());
    }

    private static AwsCredentialsProvider credentials(KinesisMessagingConfig.Credentials credentials) {
        if (credentials.type() == KinesisMessagingConfig.CredentialsType.DEFAULT) {
            return null;
        }
        String both = ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY;
        String id = credentials.accessKeyId().filter(value -> !value.isBlank())
                .orElseThrow(() -> KinesisExceptions.ex.staticCredentialMissing(CREDENTIALS_TYPE, ACCESS_KEY_ID, both));
        String secret = credentials.secretAccessKey().filter(value -> !value.isBlank())
                .orElseThrow(() -> KinesisExceptions.ex.staticCredentialMissing(CREDENTIALS_TYPE, SECRET_ACCESS_KEY, both));
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
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
    public Optional<AwsCredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(credentials);
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
