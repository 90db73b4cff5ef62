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
     * The HTTP client of the Kinesis and DynamoDB clients the connector builds.
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
         * The HTTP client implementation. {@code netty}: the SDK's Netty client, on the Vert.x event loops (no extra
         * threads). {@code crt}: the AWS Common Runtime client; needs the dependency
         * {@code software.amazon.awssdk:aws-crt-client}, else the build fails saying so.
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
         * {@code true}: every channel reports unless its {@code health-enabled} attribute is {@code false}.
         * {@code false}: the default of the channels' {@code health-enabled} attribute becomes {@code false} (a
         * channel may still set it to {@code true}) and no stream is probed ({@code stream-probe-interval} is ignored).
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often each channel checks that its stream is reachable ({@code DescribeStreamSummary}), for readiness:
         * a stream that is unreachable, missing or not ACTIVE/UPDATING makes the application not ready (never not
         * live). One control-plane call per channel and interval (each times out after 5 s; a
         * run that finds the previous call still under way is skipped), well under AWS's
         * limit of 20 calls per second per account. {@code 0s} turns the probe off, as do {@code health.enabled=false}
         * and a channel's {@code health-enabled=false}.
         */
        @WithDefault("10s")
        java.time.Duration streamProbeInterval();
    }

    interface Metrics {

        /**
         * Whether the Kinesis channels record Micrometer meters ({@code kinesis.producer.records},
         * {@code kinesis.consumer.lag}, ...) when {@code quarkus-micrometer} is present. Without Micrometer
         * nothing is recorded, whatever this says.
         */
        @WithDefault("true")
        boolean enabled();
    }
}
