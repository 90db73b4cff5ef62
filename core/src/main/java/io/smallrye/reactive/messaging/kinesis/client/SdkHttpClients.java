package io.smallrye.reactive.messaging.kinesis.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisFanOutExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpService;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The HTTP clients of the Kinesis and DynamoDB clients that {@link KinesisClients} builds: Netty on Vert.x's event loops
 * (its connections tracked by {@link ClientConnections}) with the host's {@link KinesisClientSettings}, the HTTP version
 * of each client, the fan-out settings ({@link FanOutHttp}), certificates not verified for local endpoints only; or the
 * AWS CRT client when the host chooses it. Closes the HTTP clients and connections it made, when asked.
 */
final class SdkHttpClients {

    /** HTTP clients built here and handed to a Kinesis client: the SDK does not close those. */
    private final List<SdkAsyncHttpClient> ownedHttpClients = new CopyOnWriteArrayList<>();
    /** The connections of the Netty clients built here, closed before the clients at shutdown. */
    private final ClientConnections connections = new ClientConnections();
    /** Vert.x's event loops, looked up when a Netty client is configured. */
    private final Supplier<EventLoopGroup> eventLoops;

    SdkHttpClients(Supplier<EventLoopGroup> eventLoops) {
        this.eventLoops = eventLoops;
    }

    /** Gives an SDK client builder its HTTP client, for the endpoint (null: the region's), protocol and use. */
    void configure(SdkAsyncClientBuilder<?, ?> builder, KinesisClientSettings defaults, URI endpoint,
            Protocol protocol, boolean fanOut) {
        if (KinesisClientSettings.CRT.equals(defaults.httpClient())) {
            SdkAsyncHttpClient http = crtHttpClient(defaults);
            ownedHttpClients.add(http);
            builder.httpClient(http);
        } else {
            NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(connections.on(eventLoops.get()));
            defaults.maxConcurrency().ifPresent(http::maxConcurrency);
            defaults.connectionTimeout().ifPresent(http::connectionTimeout);
            defaults.connectionAcquisitionTimeout().ifPresent(http::connectionAcquisitionTimeout);
            defaults.readTimeout().ifPresent(http::readTimeout);
            defaults.writeTimeout().ifPresent(http::writeTimeout);
            if (protocol != null) {
                http.protocol(protocol);
            }
            if (fanOut) {
                FanOutHttp.tune(http, defaults);
            }
            boolean tls = endpoint == null || "https".equalsIgnoreCase(endpoint.getScheme());
            if (protocol == Protocol.HTTP2 && tls) {
                // negotiated in the TLS handshake, as servers that also speak HTTP/1.1 on the port require
                // (kinesis-mock's TLS port closes the connection otherwise)
                http.protocolNegotiation(ProtocolNegotiation.ALPN);
            }
            if (tls && isLocal(endpoint)) {
                KinesisLogging.log.localEndpointCertificateNotVerified(builder instanceof KinesisAsyncClientBuilder
                        ? "Kinesis"
                        : "DynamoDB", String.valueOf(endpoint));
                builder.httpClientBuilder(new LocalTlsHttpClient(http));
            } else {
                builder.httpClientBuilder(http);
            }
        }
    }

    /**
     * The HTTP version of a Kinesis client: the configured one, else HTTP/1.1 for a plain http:// endpoint (where
     * HTTP/2 would need h2c, which HTTP/1.1-only emulators refuse with "First received frame was not SETTINGS"), else
     * null for the SDK's default.
     */
    static Protocol kinesisProtocol(KinesisClientSettings defaults, URI endpoint) {
        Optional<String> configured = defaults.httpProtocol();
        if (configured.isPresent()) {
            return KinesisClientSettings.HTTP2.equals(configured.get()) ? Protocol.HTTP2 : Protocol.HTTP1_1;
        }
        return endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme()) ? Protocol.HTTP1_1 : null;
    }

    /**
     * HTTP/2 for a fan-out channel's client (SubscribeToShard needs it; over a plain http:// endpoint that is h2c),
     * whatever the endpoint; a host setting that rules HTTP/2 out fails, naming it.
     */
    static Protocol fanOutProtocol(String channel, KinesisClientSettings defaults) {
        if (KinesisClientSettings.CRT.equals(defaults.httpClient())) {
            throw KinesisFanOutExceptions.ex.fanOutNeedsHttp2(channel,
                    "the HTTP client (quarkus.messaging.kinesis.http-client.type under Quarkus)", KinesisClientSettings.CRT);
        }
        if (defaults.httpProtocol().filter(KinesisClientSettings.HTTP1_1::equals).isPresent()) {
            throw KinesisFanOutExceptions.ex.fanOutNeedsHttp2(channel,
                    "the HTTP protocol (quarkus.messaging.kinesis.http-client.protocol under Quarkus)",
                    KinesisClientSettings.HTTP1_1);
        }
        return Protocol.HTTP2;
    }

    /**
     * Whether an endpoint is on this machine (localhost, or a loopback address): only there are certificates not
     * verified, for the self-signed certificates of local emulators. Host names other than localhost are not resolved.
     */
    static boolean isLocal(URI endpoint) {
        if (endpoint == null || endpoint.getHost() == null) {
            return false;
        }
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // an address literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The Netty client of a local https endpoint: trusts its (self-signed) certificate. */
    private static final class LocalTlsHttpClient implements SdkAsyncHttpClient.Builder<LocalTlsHttpClient> {
        private final NettyNioAsyncHttpClient.Builder http;

        LocalTlsHttpClient(NettyNioAsyncHttpClient.Builder http) {
            this.http = http;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return http.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build()
                    .merge(serviceDefaults));
        }
    }

    /** The AWS CRT client, found through its SdkAsyncHttpService so that it stays an optional dependency. */
    private static SdkAsyncHttpClient crtHttpClient(KinesisClientSettings defaults) {
        SdkAsyncHttpService service = ServiceLoader.load(SdkAsyncHttpService.class, SdkHttpClients.class.getClassLoader())
                .stream()
                .filter(provider -> provider.type().getName().equals(KinesisClientSettings.CRT_HTTP_SERVICE))
                .map(ServiceLoader.Provider::get)
                .findFirst()
                .orElseThrow(() -> KinesisExceptions.ex.crtHttpClientMissing("http-client"));
        AttributeMap.Builder options = AttributeMap.builder();
        defaults.maxConcurrency().ifPresent(max -> options.put(SdkHttpConfigurationOption.MAX_CONNECTIONS, max));
        defaults.connectionTimeout().ifPresent(t -> options.put(SdkHttpConfigurationOption.CONNECTION_TIMEOUT, t));
        defaults.connectionAcquisitionTimeout()
                .ifPresent(t -> options.put(SdkHttpConfigurationOption.CONNECTION_ACQUIRE_TIMEOUT, t));
        defaults.readTimeout().ifPresent(t -> options.put(SdkHttpConfigurationOption.READ_TIMEOUT, t));
        defaults.writeTimeout().ifPresent(t -> options.put(SdkHttpConfigurationOption.WRITE_TIMEOUT, t));
        return service.createAsyncHttpClientFactory().buildWithDefaults(options.build());
    }

    /**
     * Closes the connections of the Netty clients, while Vert.x's event loops still run: requests still under way fail
     * at once instead of holding the pools open (see {@link ClientConnections}). Called before the SDK clients close.
     */
    void closeConnections() {
        connections.closeAll();
    }

    /** Closes the HTTP clients built here (the SDK clients they were handed to being closed), then the connections. */
    void close() {
        ownedHttpClients.forEach(http -> {
            try {
                http.close();
            } catch (RuntimeException e) {
                KinesisLogging.log.clientCloseFailed(e);
            }
        });
        ownedHttpClients.clear();
        // a request the SDK retried while its clients were closing may have opened one more
        connections.closeAll();
    }
}
