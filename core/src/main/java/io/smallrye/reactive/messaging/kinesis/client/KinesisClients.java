package io.smallrye.reactive.messaging.kinesis.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisCredentialsLogging;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLeaseExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisRetryLogging;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;
import io.smallrye.reactive.messaging.providers.helpers.CDIUtils;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The Kinesis clients of the connector: one per distinct (region, endpoint, credentials) configuration, shared by the
 * channels that use it and closed once at shutdown (with the credentials providers built for them), or an application
 * bean chosen with {@code client-bean} (never closed here). Clients built here do their I/O on Vert.x's event loops
 * ({@link SdkHttpClients}), so threads do not grow with channels or shards, and make one attempt per call
 * ({@link SdkRetries}): the connector's own retries are the only retry layer. A provided bean keeps its own retry
 * settings; a notice says once when they multiply the connector's attempts.
 */
@ApplicationScoped
public class KinesisClients {

    @Inject
    ExecutionHolder executionHolder;

    @Inject
    @Any
    Instance<KinesisAsyncClient> clientBeans;

    @Inject
    Instance<KinesisClientSettings> settingsBeans;

    @Inject
    @Any
    Instance<DynamoDbAsyncClient> dynamoDbBeans;

    @Inject
    @Any
    Instance<AwsCredentialsProvider> credentialsBeans;

    /**
     * What a built client is shared by: equal region, endpoint, credentials, protocol and use (fan-out clients have
     * their own HTTP/2 settings, {@link FanOutHttp}).
     */
    private record ClientKey(String region, URI endpoint, CredentialsSpec credentials, Protocol protocol,
            boolean fanOut) {
    }

    private final Map<ClientKey, KinesisAsyncClient> owned = new ConcurrentHashMap<>();
    private final Map<ClientKey, DynamoDbAsyncClient> ownedDynamoDb = new ConcurrentHashMap<>();
    /** The provided client beans already checked for SDK retries (the notice is given once per bean). */
    private final Set<Object> checkedBeans = ConcurrentHashMap.newKeySet();
    private final CredentialsProviders credentialsProviders = new CredentialsProviders(this::credentialsBean);
    /** The HTTP clients of the clients built here, with their connections. */
    private final SdkHttpClients httpClients = new SdkHttpClients(
            () -> executionHolder.vertx().getDelegate().nettyEventLoopGroup());
    private volatile KinesisClientSettings settings;

    /** The client defaults: the application's {@link KinesisClientSettings} bean, else the SDK's defaults. */
    public KinesisClientSettings settings() {
        KinesisClientSettings current = settings;
        if (current == null) {
            current = settingsBeans != null && settingsBeans.isResolvable() ? settingsBeans.get()
                    : KinesisClientSettings.DEFAULTS;
            settings = current;
        }
        return current;
    }

    public KinesisAsyncClient clientFor(KinesisConnectorCommonConfiguration conf) {
        String beanId = conf.getClientBean().orElse(null);
        if (beanId != null) {
            Instance<KinesisAsyncClient> bean = CDIUtils.getInstanceById(clientBeans, beanId);
            if (!bean.isResolvable()) {
                throw KinesisExceptions.ex.clientBeanNotFound(beanId, conf.getChannel());
            }
            KinesisAsyncClient provided = bean.get();
            noticeSdkRetries(conf.getChannel(), "Kinesis", beanId, provided, KINESIS_RETRIES);
            return provided;
        }
        KinesisClientSettings defaults = settings();
        String region = region(conf, defaults);
        Optional<String> channelEndpoint = conf.getEndpointOverride();
        URI endpoint = channelEndpoint.isPresent()
                ? endpoint(channelEndpoint.get(), allowed -> KinesisExceptions.ex.invalidAttribute(conf.getChannel(),
                        "endpoint-override", channelEndpoint.get(), allowed))
                : defaults.endpointOverride()
                        .map(value -> endpoint(value, allowed -> KinesisExceptions.ex.invalidSetting(
                                defaults.endpointOverrideSource(), value, allowed)))
                        .orElse(null);
        CredentialsSpec credentials = credentials(conf.config());
        boolean fanOut = fanOut(conf);
        Protocol protocol = fanOut ? SdkHttpClients.fanOutProtocol(conf.getChannel(), defaults)
                : SdkHttpClients.kinesisProtocol(defaults, endpoint);
        return owned.computeIfAbsent(new ClientKey(region, endpoint, credentials, protocol, fanOut),
                key -> build(defaults, region, endpoint, credentials, protocol, fanOut));
    }

    /**
     * The credentials of a channel's Kinesis client: its {@code credentials-*} attributes (also at connector level),
     * else the host's defaults ({@link KinesisClientSettings#credentials(String)}), else the SDK's default chain.
     */
    CredentialsSpec credentials(Config channel) {
        Function<String, Optional<String>> sets = name -> channel.getOptionalValue(name,
                String.class);
        KinesisClientSettings defaults = settings();
        return CredentialsSpec.read(key -> sets.apply(CredentialsSpec.ATTRIBUTE_PREFIX + key),
                CredentialsSpec.ATTRIBUTE_PREFIX, sets)
                .or(() -> CredentialsSpec.read(defaults::credentials, defaults.credentialsPrefix(), sets))
                .orElse(CredentialsSpec.SDK_DEFAULT);
    }

    /** The credentials of a channel's lease table: the set named by {@code dynamodb-credentials}, else the channel's. */
    CredentialsSpec dynamoDbCredentials(Config channel) {
        return channel.getOptionalValue("dynamodb-credentials", String.class).filter(name -> !name.isBlank())
                .map(name -> CredentialsSpec.named(name.trim(), "dynamodb-credentials",
                        key -> channel.getOptionalValue(key, String.class)))
                .orElseGet(() -> credentials(channel));
    }

    /** What the connector retries on a Kinesis client, for the notice about a provided client's own retries. */
    static final String KINESIS_RETRIES = "refused records up to max-retries, reads and stream calls without limit,"
            + " dead-letter writes";
    static final String DYNAMODB_RETRIES = "lease table scans, takes and renewals at the coordinator's intervals,"
            + " checkpoints at the next checkpoint-interval";

    /** Says once per bean when a provided client retries failed calls itself: attempts then multiply. */
    private void noticeSdkRetries(String channel, String service, String beanId, SdkClient client,
            String connectorRetries) {
        if (checkedBeans.add(client)) {
            SdkRetries.attempts(client).filter(attempts -> attempts > 1).ifPresent(attempts -> KinesisRetryLogging.log
                    .providedClientRetries(channel, service, beanId, attempts, connectorRetries));
        }
    }

    private AwsCredentialsProvider credentialsBean(String id) {
        if (credentialsBeans == null) {
            return null;
        }
        Instance<AwsCredentialsProvider> bean = CDIUtils.getInstanceById(credentialsBeans, id);
        return bean.isResolvable() ? bean.get() : null;
    }

    /**
     * The channel's region, else the host's, else the AWS default region chain's (resolved here rather than by the
     * SDK's builder, so that a missing region fails with the channel and the settings to use named).
     */
    private static String region(KinesisConnectorCommonConfiguration conf, KinesisClientSettings defaults) {
        Optional<String> configured = conf.getRegion().or(defaults::region);
        if (configured.isPresent()) {
            return configured.get();
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (SdkClientException none) {
            String direction = conf instanceof KinesisConnectorIncomingConfiguration ? "incoming" : "outgoing";
            throw KinesisExceptions.ex.noRegion(conf.getChannel(), direction, conf.getChannel(),
                    defaults.regionSource().map(setting -> ", or " + setting).orElse(""));
        }
    }

    /** The region a client talks to, for messages; "(unknown region)" when the client does not say. */
    public static String regionOf(KinesisAsyncClient client) {
        try {
            return String.valueOf(client.serviceClientConfiguration().region());
        } catch (RuntimeException e) {
            return "(unknown region)";
        }
    }

    private static URI endpoint(String value, java.util.function.Function<String, RuntimeException> invalid) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "no scheme or host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid.apply(
                    "an absolute URI such as https://kinesis.eu-west-1.amazonaws.com or http://localhost:4567");
        }
    }

    private KinesisAsyncClient build(KinesisClientSettings defaults, String region, URI endpoint,
            CredentialsSpec credentials, Protocol protocol, boolean fanOut) {
        KinesisCredentialsLogging.log.clientBuilt("Kinesis", region, String.valueOf(endpoint), credentials.toString());
        return configure(KinesisAsyncClient.builder(), defaults, region, endpoint, protocol, fanOut,
                credentialsProviders.provider(credentials, region)).build();
    }

    /**
     * The DynamoDB client of a channel with checkpoint-store dynamodb: its {@code dynamodb-client-bean}, else one
     * built (and shared) for the channel's region and {@code dynamodb-endpoint-override}, with the credentials of
     * {@code dynamodb-credentials} (else the channel's) and the HTTP settings of the Kinesis clients.
     */
    public DynamoDbAsyncClient dynamoDbClientFor(KinesisConnectorIncomingConfiguration conf) {
        String beanId = conf.getDynamodbClientBean().orElse(null);
        if (beanId != null) {
            Instance<DynamoDbAsyncClient> bean = CDIUtils.getInstanceById(dynamoDbBeans, beanId);
            if (!bean.isResolvable()) {
                throw KinesisLeaseExceptions.ex.dynamoDbClientBeanNotFound(conf.getChannel(), beanId, beanId);
            }
            DynamoDbAsyncClient provided = bean.get();
            noticeSdkRetries(conf.getChannel(), "DynamoDB", beanId, provided, DYNAMODB_RETRIES);
            return provided;
        }
        KinesisClientSettings defaults = settings();
        String region = region(conf, defaults);
        URI endpoint = conf.getDynamodbEndpointOverride()
                .map(value -> endpoint(value, allowed -> KinesisExceptions.ex.invalidAttribute(conf.getChannel(),
                        "dynamodb-endpoint-override", value, allowed)))
                .orElse(null);
        CredentialsSpec credentials = dynamoDbCredentials(conf.config());
        return ownedDynamoDb.computeIfAbsent(new ClientKey(region, endpoint, credentials, null, false), key -> {
            KinesisCredentialsLogging.log.clientBuilt("DynamoDB", region, String.valueOf(endpoint),
                    credentials.toString());
            return configure(DynamoDbAsyncClient.builder(), defaults, region, endpoint, null, false,
                    credentialsProviders.provider(credentials, region)).build();
        });
    }

    private <B extends AwsClientBuilder<B, ?> & SdkAsyncClientBuilder<B, ?>> B configure(B builder,
            KinesisClientSettings defaults, String region, URI endpoint, Protocol protocol, boolean fanOut,
            AwsCredentialsProvider credentials) {
        httpClients.configure(builder, defaults, endpoint, protocol, fanOut);
        builder.credentialsProvider(credentials);
        SdkRetries.off(builder);
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    /** Whether the channel reads with enhanced fan-out (consumer-mode fan-out), which needs HTTP/2. */
    private static boolean fanOut(KinesisConnectorCommonConfiguration conf) {
        return conf instanceof KinesisConnectorIncomingConfiguration incoming
                && "fan-out".equalsIgnoreCase(incoming.getConsumerMode().trim());
    }

    /**
     * Closes the clients built here; called after the channels have flushed. Their connections
     * are closed first, while Vert.x's event loops still run: requests still under way fail at once instead of holding
     * the pools open (see {@link ClientConnections}).
     */
    public synchronized void close() {
        httpClients.closeConnections();
        closeAll(owned);
        closeAll(ownedDynamoDb);
        httpClients.close();
        credentialsProviders.close();
    }

    private static void closeAll(Map<ClientKey, ? extends SdkClient> clients) {
        clients.values().forEach(client -> {
            try {
                client.close();
            } catch (RuntimeException e) {
                KinesisLogging.log.clientCloseFailed(e);
            }
        });
        clients.clear();
    }
}
