package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.CuratedApplicationShutdownBuildItem;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.builditem.DockerStatusBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.console.ConsoleInstalledBuildItem;
import io.quarkus.deployment.console.StartupLogCompressor;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import io.quarkus.deployment.logging.LoggingSetupBuildItem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ConnectorManagedChannelBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * Dev Services for Kinesis: in dev and test mode, when some {@code smallrye-kinesis} channel names no endpoint, runs
 * kinesis-mock and creates the channels' streams, then points {@code quarkus.messaging.kinesis.*} (region, endpoint,
 * static dummy credentials) at it. Explicit configuration wins: Dev Services values have the lowest priority. The
 * emulator is started here, during the build, so that its endpoint is known when the configuration is handed over.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
public class KinesisDevServicesProcessor {

    static final String SERVICE_NAME = "kinesis";
    static final String PREFIX = "quarkus.messaging.kinesis.";
    static final String ENDPOINT = PREFIX + "endpoint-override";
    static final String REGION = PREFIX + "region";
    static final String CONNECTOR_PREFIX = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";
    static final String DEFAULT_REGION = "us-east-1";
    /** Dummy keys: kinesis-mock checks that requests are signed, not by whom. */
    static final String ACCESS_KEY_ID = "devservices-access-key-id";
    static final String SECRET_ACCESS_KEY = "devservices-secret-access-key";

    /**
     * The emulator of the previous build, kept across live reloads while its settings stay the same (the records
     * survive a reload), closed with the application (end of dev mode, end of the tests).
     */
    private static final KeptEmulator<KinesisLocalProcess.Settings, KinesisLocalProcess> EMULATOR = new KeptEmulator<>(
            settings -> {
                KinesisLocalProcess started = new KinesisLocalProcess(settings);
                started.start();
                return started;
            }, KinesisLocalProcess::isAlive, KinesisDevServicesProcessor::stopProcess);
    /** The service name under which the running emulator is registered for sharing; null when it is not. */
    private static volatile String sharedAs;

    @BuildStep
    DevServicesResultBuildItem startKinesis(KinesisDevServicesBuildTimeConfig buildTimeConfig,
            List<ConnectorManagedChannelBuildItem> channels, CuratedApplicationShutdownBuildItem shutdown,
            LaunchModeBuildItem launchMode, DockerStatusBuildItem dockerStatus,
            Optional<ConsoleInstalledBuildItem> console, LoggingSetupBuildItem logging) {
        KinesisDevServicesBuildTimeConfig.DevServices config = buildTimeConfig.devservices();
        Config appConfig = ConfigProvider.getConfig();
        if (!config.enabled().orElse(true)) {
            DeploymentLogging.log.devServicesNotStarted("quarkus.messaging.kinesis.devservices.enabled is false");
            stopRunning();
            return null;
        }
        if (isSet(appConfig, ENDPOINT) || isSet(appConfig, CONNECTOR_PREFIX + "endpoint-override")
                || isSet(appConfig, CONNECTOR_PREFIX + "client-bean")) {
            DeploymentLogging.log.devServicesNotStarted("an endpoint (or client bean) is configured for every channel");
            return null;
        }
        Map<String, Integer> streams = new LinkedHashMap<>();
        for (ConnectorManagedChannelBuildItem channel : channels) {
            if (!KinesisConnector.CONNECTOR_NAME.equals(channel.getConnector())) {
                continue;
            }
            String prefix = (channel.isIncoming() ? "mp.messaging.incoming."
                    : "mp.messaging.outgoing.") + channel.getName() + ".";
            if (isSet(appConfig, prefix + "endpoint-override") || isSet(appConfig, prefix + "client-bean")) {
                continue;
            }
            String stream = appConfig.getOptionalValue(prefix + "stream", String.class).orElse(channel.getName());
            streams.putIfAbsent(streamName(stream), config.shards());
        }
        if (streams.isEmpty()) {
            DeploymentLogging.log.devServicesNotStarted("no smallrye-kinesis channel without endpoint-override");
            return null;
        }
        streams.putAll(config.streamShards());

        String region = appConfig.getOptionalValue(REGION, String.class)
                .or(() -> appConfig.getOptionalValue(CONNECTOR_PREFIX + "region", String.class))
                .orElse(DEFAULT_REGION);
        KinesisLocalProcess.Settings settings = new KinesisLocalProcess.Settings(config.node(), config.npm(),
                config.cacheDir().orElseGet(KinesisDevServicesProcessor::defaultCacheDir), config.kinesisLocalVersion(),
                config.port().orElse(0), region, Map.copyOf(streams), config.startupTimeout(), config.installTimeout(),
                config.npmRegistry());
        StartupLogCompressor status = StartupStatus.open("kinesis-mock", launchMode, console, logging);
        try {
            DevServicesResultBuildItem result = startOrShare(config, settings, launchMode, shutdown, dockerStatus);
            status.close();
            return result;
        } catch (RuntimeException | Error e) {
            status.closeAndDumpCaptured();
            throw e;
        }
    }

    private DevServicesResultBuildItem startOrShare(KinesisDevServicesBuildTimeConfig.DevServices config,
            KinesisLocalProcess.Settings settings, LaunchModeBuildItem launchMode,
            CuratedApplicationShutdownBuildItem shutdown, DockerStatusBuildItem dockerStatus) {
        String region = settings.region();
        boolean sharing = launchMode.getLaunchMode() == LaunchMode.DEVELOPMENT && config.shared();
        SharedEmulators shared = new SharedEmulators(settings.cacheDir());
        if (sharing && !ownsLiveEmulator()) {
            Optional<SharedEmulators.Registration> other = shared.find(config.serviceName())
                    .filter(registration -> registration.region().equals(region));
            if (other.isPresent()) {
                useShared(other.get(), settings, config.serviceName());
                return result(other.get().endpoint(), region);
            }
        }
        if (KinesisMockContainers.chosen(config, dockerStatus::isContainerRuntimeAvailable)) {
            EMULATOR.stop(); // a process from an earlier build with other settings
            return result(KinesisMockContainers.startOrReuse(new KinesisMockContainer.Settings(config.imageName(),
                    region, settings.streams(), config.startupTimeout()), shutdown), region);
        }
        KinesisMockContainers.stop(); // a container from an earlier build with other settings
        KinesisLocalProcess process = EMULATOR.startOrReuse(settings);
        if (sharing) {
            shared.register(config.serviceName(), new SharedEmulators.Registration(process.processHandle().pid(),
                    process.getConnectionInfo(), region));
            sharedAs = config.serviceName();
        }
        EMULATOR.stopWith(shutdown);
        return result(process.getConnectionInfo(), region);
    }

    /** Creates this application's streams on an emulator another application started; that one stops it. */
    private static void useShared(SharedEmulators.Registration registration, KinesisLocalProcess.Settings settings,
            String serviceName) {
        String failure;
        try {
            failure = new EmulatorRequests(URI.create(registration.endpoint()), registration.region())
                    .createStreams(settings.streams(), settings.startupTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            throw DeploymentExceptions.ex.sharedEmulatorUnusable(registration.endpoint(), serviceName, failure);
        }
        stopRunning(); // one of this application's own, from an earlier reload, is not needed any more
        DeploymentLogging.log.devServicesShared(registration.endpoint(), registration.pid(),
                settings.streams().toString());
    }

    private static boolean ownsLiveEmulator() {
        return EMULATOR.isAlive();
    }

    private static DevServicesResultBuildItem result(String endpoint, String region) {
        Map<String, String> devConfig = new LinkedHashMap<>();
        devConfig.put(ENDPOINT, endpoint);
        devConfig.put(REGION, region);
        devConfig.put(PREFIX + "credentials.type", "static");
        devConfig.put(PREFIX + "credentials.access-key-id", ACCESS_KEY_ID);
        devConfig.put(PREFIX + "credentials.secret-access-key", SECRET_ACCESS_KEY);
        return new DevServicesResultBuildItem(SERVICE_NAME, null, devConfig);
    }

    private static void stopRunning() {
        EMULATOR.stop();
    }

    /** Stops an emulator of this application, first removing its registration for sharing. */
    private static void stopProcess(KinesisLocalProcess process) {
        String registeredAs = sharedAs;
        sharedAs = null;
        if (registeredAs != null && process.processHandle() != null) {
            new SharedEmulators(process.settings().cacheDir()).unregister(registeredAs, process.processHandle().pid());
        }
        process.close();
    }

    /** The name of a stream given by name or ARN ({@code arn:aws:kinesis:<region>:<account>:stream/<name>}). */
    static String streamName(String stream) {
        int slash = stream.indexOf(":stream/");
        return slash >= 0 ? stream.substring(slash + ":stream/".length()) : stream;
    }

    public static Path defaultCacheDir() {
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && Files.isWritable(Path.of(home))) {
            return Path.of(home, ".cache", "quarkus-messaging-kinesis");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "quarkus-messaging-kinesis");
    }

    private static boolean isSet(Config config, String property) {
        Optional<String> value = config.getOptionalValue(property, String.class);
        return value.isPresent() && !value.get().isBlank();
    }
}
