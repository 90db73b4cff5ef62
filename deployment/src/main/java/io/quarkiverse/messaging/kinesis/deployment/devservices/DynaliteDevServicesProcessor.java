package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.messaging.kinesis.deployment.KinesisDevServicesBuildTimeConfig;
import io.quarkiverse.messaging.kinesis.emulator.DynaliteProcess;
import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.Startable;
import io.quarkus.deployment.console.ConsoleInstalledBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import io.quarkus.deployment.logging.LoggingSetupBuildItem;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ConnectorManagedChannelBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynamoDbCheckpointStore;

/**
 * Dev Services for the lease tables: in dev and test mode, when an incoming {@code smallrye-kinesis} channel has
 * {@code checkpoint-store=dynamodb} and no DynamoDB endpoint or client bean, runs dynalite and points the connector's
 * {@code dynamodb-endpoint-override} at it (the lowest-priority value: explicit configuration wins). An owned,
 * startable service of the Dev Services framework: kept across live reloads while its settings are equal.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
public class DynaliteDevServicesProcessor {

    static final String SERVICE_NAME = "kinesis-lease-table";
    static final String CONNECTOR_PREFIX = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";
    static final String ENDPOINT = CONNECTOR_PREFIX + "dynamodb-endpoint-override";

    @BuildStep
    DevServicesResultBuildItem startDynalite(KinesisDevServicesBuildTimeConfig buildTimeConfig,
            List<ConnectorManagedChannelBuildItem> channels, LaunchModeBuildItem launchMode,
            Optional<ConsoleInstalledBuildItem> console, LoggingSetupBuildItem logging) {
        KinesisDevServicesBuildTimeConfig.DevServices config = buildTimeConfig.devservices();
        Config appConfig = ConfigProvider.getConfig();
        if (!config.enabled().orElse(true) || !needsDynalite(appConfig, channels)) {
            return null;
        }
        DynaliteProcess.Settings settings = new DynaliteProcess.Settings(config.node(), config.npm(),
                config.cacheDir().orElseGet(EmulatorCache::defaultDirectory), config.dynaliteVersion(),
                config.startupTimeout(), config.installTimeout(), config.npmRegistry());
        StartupStatus status = new StartupStatus(launchMode, console, logging);
        return DevServicesResultBuildItem.<Startable> owned()
                .feature(KinesisDevServicesProcessor.FEATURE)
                .serviceName(SERVICE_NAME)
                .serviceConfig(settings)
                .description("dynalite, a DynamoDB emulator for the lease tables (Node.js process)")
                .startable(() -> new DynaliteStartable(settings, status))
                .configProvider(Map.of(ENDPOINT, Startable::getConnectionInfo))
                .build();
    }

    /** Whether an incoming Kinesis channel keeps its leases in DynamoDB without saying where. */
    static boolean needsDynalite(Config config, List<ConnectorManagedChannelBuildItem> channels) {
        for (ConnectorManagedChannelBuildItem channel : channels) {
            if (!channel.isIncoming() || !KinesisConnector.CONNECTOR_NAME.equals(channel.getConnector())) {
                continue;
            }
            String prefix = "mp.messaging.incoming." + channel.getName() + ".";
            boolean dynamoDb = value(config, prefix, "checkpoint-store")
                    .filter(DynamoDbCheckpointStore.IDENTIFIER::equals).isPresent();
            boolean located = value(config, prefix, "dynamodb-endpoint-override").isPresent()
                    || value(config, prefix, "dynamodb-client-bean").isPresent();
            if (dynamoDb && !located) {
                return true;
            }
        }
        return false;
    }

    /** A channel attribute, or the connector-wide one. */
    private static Optional<String> value(Config config, String channelPrefix, String attribute) {
        return config.getOptionalValue(channelPrefix + attribute, String.class)
                .or(() -> config.getOptionalValue(CONNECTOR_PREFIX + attribute, String.class))
                .filter(value -> !value.isBlank());
    }

}
