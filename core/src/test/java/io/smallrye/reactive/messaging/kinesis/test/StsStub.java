package io.smallrye.reactive.messaging.kinesis.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback STS (query protocol, XML answers) for credentials tests: answers {@code AssumeRole} and
 * {@code AssumeRoleWithWebIdentity} with fresh credentials whose access key id names the role
 * ({@code ASIASTUB<ROLE NAME><n>}), and {@code GET /container} with container credentials (ECS / EKS Pod Identity
 * format). Records each call and every secret it handed out, so that tests can look for them in logs.
 */
public final class StsStub implements AutoCloseable {

    /** One call: the action, its parameters and the access key id that signed it (null: unsigned). */
    public record Call(String action, Map<String, String> parameters, String signedBy) {
    }

    /** Credentials handed out. */
    public record Issued(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Issued> issued = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    /** The lifetime of the n-th credentials handed out (1-based). */
    private volatile IntFunction<Duration> lifetime = n -> Duration.ofHours(1);

    public StsStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "sts-stub");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The URI of the container credentials (for aws.containerCredentialsFullUri). */
    public URI containerEndpoint() {
        return URI.create(endpoint() + "/container");
    }

    public void lifetime(IntFunction<Duration> lifetime) {
        this.lifetime = lifetime;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Issued> issued() {
        return List.copyOf(issued);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String signedBy = SigningRecorder.accessKeyId(authorization);
            if (exchange.getRequestURI().getPath().startsWith("/container")) {
                Issued credentials = issue("CONTAINER");
                calls.add(new Call("Container", Map.of(), signedBy));
                respond(exchange, "application/json", "{\"AccessKeyId\":\"" + credentials.accessKeyId()
                        + "\",\"SecretAccessKey\":\"" + credentials.secretAccessKey() + "\",\"Token\":\""
                        + credentials.sessionToken() + "\",\"Expiration\":\"" + credentials.expiration() + "\"}");
                return;
            }
            Map<String, String> parameters = form(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            String action = parameters.getOrDefault("Action", "");
            calls.add(new Call(action, parameters, signedBy));
            if (!action.equals("AssumeRole") && !action.equals("AssumeRoleWithWebIdentity")) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            String role = parameters.getOrDefault("RoleArn", "");
            Issued credentials = issue(role.substring(role.lastIndexOf('/') + 1));
            respond(exchange, "text/xml", "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<" + action + "Result><Credentials><AccessKeyId>" + credentials.accessKeyId()
                    + "</AccessKeyId><SecretAccessKey>" + credentials.secretAccessKey() + "</SecretAccessKey><SessionToken>"
                    + credentials.sessionToken() + "</SessionToken><Expiration>" + credentials.expiration()
                    + "</Expiration></Credentials><AssumedRoleUser><Arn>" + role + "/session</Arn><AssumedRoleId>AROASTUB:"
                    + parameters.get("RoleSessionName") + "</AssumedRoleId></AssumedRoleUser></" + action
                    + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID()
                    + "</RequestId></ResponseMetadata></" + action + "Response>");
        }
    }

    private Issued issue(String roleName) {
        int n = counter.incrementAndGet();
        Issued credentials = new Issued(
                "ASIASTUB" + roleName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "") + n,
                "stub-secret-" + UUID.randomUUID(), "stub-session-token-" + UUID.randomUUID(),
                Instant.now().plus(lifetime.apply(n)).truncatedTo(ChronoUnit.SECONDS));
        issued.add(credentials);
        return credentials;
    }

    private static void respond(HttpExchange exchange, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
