package io.quarkiverse.messaging.kinesis.runtime;

import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the Kinesis messaging extension fixed at build time.
 */
@ConfigMapping(prefix = "quarkus.messaging.kinesis")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface KinesisMessagingBuildTimeConfig {

    /**
     * The HTTP client implementation.
     */
    @ConfigDocSection
    HttpClientBuildTime httpClient();

    /**
     * Health checks.
     */
    @ConfigDocSection
    Health health();

    /**
     * Metrics.
     */
    @ConfigDocSection
    Metrics metrics();

    interface HttpClientBuildTime {

        /**
         * {@code netty}: the SDK's Netty client, on the Vert.x event loops (no extra threads). {@code crt}: the AWS
         * Common Runtime client; needs the dependency {@code software.amazon.awssdk:aws-crt-client}.
         */
        @WithDefault("netty")
        HttpClientType type();
    }

    enum HttpClientType {
        NETTY,
        CRT
    }

    interface Health {

        /**
         * Whether the Kinesis channels report to the health checks (when {@code quarkus-smallrye-health} is present).
         * A channel can opt out with its {@code health-enabled} attribute.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often each channel checks that its stream is reachable (DescribeStreamSummary), for readiness. One
         * cheap control-plane call per channel and interval; {@code 0s} turns the probe off.
         */
        @WithDefault("10s")
        java.time.Duration streamProbeInterval();
    }

    interface Metrics {

        /**
         * Whether the Kinesis channels record metrics (when {@code quarkus-micrometer} is present).
         */
        @WithDefault("true")
        boolean enabled();
    }
}
