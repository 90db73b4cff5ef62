package io.quarkiverse.messaging.kinesis.deployment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Build-time settings of the Kinesis messaging extension used only while building: Dev Services.
 */
@ConfigMapping(prefix = "quarkus.messaging.kinesis")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface KinesisDevServicesBuildTimeConfig {

    /**
     * Dev Services: in dev and test mode, a local Kinesis emulator for the channels that name no endpoint.
     */
    @ConfigDocSection
    DevServices devservices();

    interface DevServices {

        /**
         * Whether to start the emulator. By default it starts in dev and test mode when some
         * {@code smallrye-kinesis} channel has neither {@code endpoint-override} nor {@code client-bean} and no
         * {@code quarkus.messaging.kinesis.endpoint-override} is set.
         */
        Optional<Boolean> enabled();

        /**
         * How the emulator runs. {@code auto}: a container when a container runtime (Docker, Podman) is reachable,
         * else a process. {@code container}: the {@code image-name} image through Testcontainers.
         * {@code process}: kinesis-mock (npm package {@code kinesis-local}) as a child process of the machine's
         * Node.js, installed with npm into {@code cache-dir} on first use.
         */
        @WithDefault("auto")
        Provider provider();

        /**
         * The image the {@code container} provider runs: kinesis-mock, the same release as the process provider's.
         */
        @WithDefault("ghcr.io/etspaceman/kinesis-mock:0.6.2")
        String imageName();

        /**
         * Whether, in dev mode, the emulator is shared between applications: one finds the emulator that another
         * application's Dev Services started with the same {@code service-name} (and region) and uses it, creating its
         * own streams there, instead of starting one. The application that started it stops it when it stops. Tests
         * always get an emulator of their own.
         */
        @WithDefault("true")
        boolean shared();

        /**
         * The name under which a shared emulator is registered and found (in {@code cache-dir}/shared).
         */
        @WithDefault("kinesis")
        String serviceName();

        /**
         * The emulator's plain HTTP port; a free port when not set.
         */
        OptionalInt port();

        /**
         * The shards of each stream created for the channels.
         */
        @WithDefault("1")
        int shards();

        /**
         * Shards of particular streams, overriding {@code shards}; streams named here are created even when no
         * channel uses them.
         */
        @ConfigDocMapKey("stream-name")
        Map<String, Integer> streamShards();

        /**
         * The Node.js executable.
         */
        @WithDefault("node")
        String node();

        /**
         * The npm executable, used once to install the emulator.
         */
        @WithDefault("npm")
        String npm();

        /**
         * The npm registry (or mirror) the emulator is installed from, passed to npm as {@code --registry}. When not
         * set, npm's own configuration applies: {@code npm config set registry <url>}, or the environment variable
         * {@code npm_config_registry}, which npm inherits from the build (https://registry.npmjs.org/ by default).
         */
        Optional<String> npmRegistry();

        /**
         * How long the one-time npm install of an emulator ({@code kinesis-local}, {@code dynalite}) may take before
         * it is stopped and the start fails; 5 minutes by default. npm itself retries an unreachable registry for
         * about 70 s before it gives up. While it runs, the elapsed time is reported every 10 seconds.
         */
        @WithDefault("5M")
        Duration installTimeout();

        /**
         * Where the emulator is installed and logs; by default {@code ~/.cache/quarkus-messaging-kinesis}, or the
         * temporary folder when the home folder is not writable.
         */
        Optional<Path> cacheDir();

        /**
         * The version of the npm package {@code kinesis-local} (kinesis-mock compiled to JavaScript).
         */
        @WithDefault("0.6.2")
        String kinesisLocalVersion();

        /**
         * The version of the npm package {@code dynalite} (a DynamoDB emulator), run when a channel has
         * {@code checkpoint-store=dynamodb} and no {@code dynamodb-endpoint-override}.
         */
        @WithDefault("4.0.0")
        String dynaliteVersion();

        /**
         * How long the emulator may take to answer and create the streams.
         */
        @WithDefault("60s")
        Duration startupTimeout();
    }

    enum Provider {
        AUTO,
        CONTAINER,
        PROCESS
    }
}
