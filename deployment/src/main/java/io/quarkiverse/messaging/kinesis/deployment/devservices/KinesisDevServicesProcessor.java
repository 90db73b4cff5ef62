package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentExceptions;
import io.quarkiverse.messaging.kinesis.deployment.i18n.DeploymentLogging;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkiverse.messaging.kinesis.emulator.KinesisEmulatorClient;
import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.ApplicationInstanceIdBuildItem;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.builditem.DockerStatusBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.Startable;
import io.quarkus.deployment.console.ConsoleInstalledBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import io.quarkus.deployment.logging.LoggingSetupBuildItem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ConnectorManagedChannelBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;

/**
 * Dev Services for Kinesis: in dev and test mode, when some {@code smallrye-kinesis} channel names no endpoint, runs
 * kinesis-mock and creates the channels' streams, then points {@code quarkus.messaging.kinesis.*} (region, endpoint,
 * static dummy credentials) at it. Explicit configuration wins: Dev Services values have the lowest priority. The
 * emulator is an owned, startable service of the Dev Services framework: it starts it, keeps it across live reloads
 * while its identity (settings, provider, sharing) is equal, and closes it with the application. In dev mode, an
 * emulator another application registered for sharing ({@link SharedEmulators}) is used instead, as a discovered
 * service.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
public class KinesisDevServicesProcessor {

    static final String FEATURE = "messaging-kinesis";
    static final String PREFIX = "quarkus.messaging.kinesis.";
    static final String ENDPOINT = PREFIX + "endpoint-override";
    static final String REGION = PREFIX + "region";
    static final String CONNECTOR_PREFIX = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";
    static final String DEFAULT_REGION = "us-east-1";
    /** Dummy keys: kinesis-mock checks that requests are signed, not by whom. */
    static final String ACCESS_KEY_ID = "devservices-access-key-id";
    static final String SECRET_ACCESS_KEY = "devservices-secret-access-key";

    @BuildStep
    DevServicesResultBuildItem startKinesis(KinesisDevServicesBuildTimeConfig buildTimeConfig,
            List<ConnectorManagedChannelBuildItem> channels, LaunchModeBuildItem launchMode,
            ApplicationInstanceIdBuildItem applicationId, DockerStatusBuildItem dockerStatus,
            Optional<ConsoleInstalledBuildItem> console, LoggingSetupBuildItem logging) {
        KinesisDevServicesBuildTimeConfig.DevServices config = buildTimeConfig.devservices();
        Config appConfig = ConfigProvider.getConfig();
        if (!config.enabled().orElse(true)) {
            DeploymentLogging.log.devServicesNotStarted("quarkus.messaging.kinesis.devservices.enabled is false");
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
                config.cacheDir().orElseGet(EmulatorCache::defaultDirectory), config.kinesisLocalVersion(),
                config.port().orElse(0), region, Map.copyOf(streams), config.startupTimeout(), config.installTimeout(),
                config.npmRegistry());
        StartupStatus status = new StartupStatus(launchMode, console, logging);
        if (KinesisMockContainers.chosen(config, dockerStatus::isContainerRuntimeAvailable)) {
            KinesisMockContainer.Settings containerSettings = new KinesisMockContainer.Settings(config.imageName(),
                    region, settings.streams(), config.startupTimeout());
            return owned(config, region).serviceConfig(containerSettings)
                    .description("kinesis-mock (container " + config.imageName() + ")")
                    .startable(() -> new KinesisMockContainer(containerSettings))
                    .build();
        }
        boolean sharing = launchMode.getLaunchMode() == LaunchMode.DEVELOPMENT && config.shared();
        String owner = applicationId.getUUID().toString();
        if (sharing) {
            Optional<SharedEmulators.Registration> other = new SharedEmulators(settings.cacheDir())
                    .find(config.serviceName())
                    .filter(registration -> registration.region().equals(region) && !registration.owner().equals(owner));
            if (other.isPresent()) {
                useShared(other.get(), settings, config.serviceName());
                return DevServicesResultBuildItem.discovered().feature(FEATURE)
                        .description("kinesis-mock shared by another application (process " + other.get().pid() + ")")
                        .config(config(other.get().endpoint(), region)).build();
            }
        }
        KinesisLocalStartable.Identity identity = new KinesisLocalStartable.Identity(settings,
                sharing ? config.serviceName() : null, owner);
        return owned(config, region).serviceConfig(identity)
                .description("kinesis-mock (Node.js process)")
                .startable(() -> new KinesisLocalStartable(identity, status))
                .build();
    }

    /** Region and credentials; the endpoint comes from the started emulator. */
    private static DevServicesResultBuildItem.OwnedServiceBuilder<Startable> owned(
            KinesisDevServicesBuildTimeConfig.DevServices config, String region) {
        return DevServicesResultBuildItem.<Startable> owned().feature(FEATURE).serviceName(config.serviceName())
                .config(config(null, region))
                .configProvider(Map.of(ENDPOINT, Startable::getConnectionInfo));
    }

    /** Creates this application's streams on an emulator another application started; that one stops it. */
    private static void useShared(SharedEmulators.Registration registration, KinesisLocalProcess.Settings settings,
            String serviceName) {
        String failure;
        try (KinesisEmulatorClient client = new KinesisEmulatorClient(URI.create(registration.endpoint()),
                registration.region())) {
            failure = client.createStreams(settings.streams(), settings.startupTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            throw DeploymentExceptions.ex.sharedEmulatorUnusable(registration.endpoint(), serviceName, failure);
        }
        DeploymentLogging.log.devServicesShared(registration.endpoint(), registration.pid(),
                settings.streams().toString());
    }

    /** What points the connector at an emulator: endpoint (when known here), region, static dummy credentials. */
    static Map<String, String> config(String endpoint, String region) {
        Map<String, String> devConfig = new LinkedHashMap<>();
        if (endpoint != null) {
            devConfig.put(ENDPOINT, endpoint);
        }
        devConfig.put(REGION, region);
        devConfig.put(PREFIX + "credentials.type", "static");
        devConfig.put(PREFIX + "credentials.access-key-id", ACCESS_KEY_ID);
        devConfig.put(PREFIX + "credentials.secret-access-key", SECRET_ACCESS_KEY);
        return devConfig;
    }

    /** The name of a stream given by name or ARN ({@code arn:aws:kinesis:<region>:<account>:stream/<name>}). */
    static String streamName(String stream) {
        int slash = stream.indexOf(":stream/");
        return slash >= 0 ? stream.substring(slash + ":stream/".length()) : stream;
    }

    private static boolean isSet(Config config, String property) {
        Optional<String> value = config.getOptionalValue(property, String.class);
        return value.isPresent() && !value.get().isBlank();
    }
}
