package io.smallrye.reactive.messaging.kinesis.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * An AWS JSON-protocol service (Kinesis, DynamoDB) on a free loopback port, answering each request as a script says
 * for its operation (the {@code X-Amz-Target} header's part after the dot: PutRecords, GetRecords, ...) and recording
 * when each request came. Answers are encoded as the request was: CBOR for the SDK's Kinesis client
 * ({@code application/x-amz-cbor-1.1}), JSON otherwise. An error answer carries its code in the
 * {@code x-amzn-ErrorType} header and in the body's {@code __type}, as AWS sends it. Plain HTTP/1.1 only.
 */
public final class AwsLoopback implements AutoCloseable {

    /** An answer: an HTTP status with an error code, or 200 with a body of maps, lists, strings and numbers. */
    public record Answer(int status, String errorCode, String errorMessage, Map<String, Object> body) {

        public static Answer ok(Map<String, Object> body) {
            return new Answer(200, null, null, body);
        }

        public static Answer error(int status, String code, String message) {
            return new Answer(status, code, message, Map.of("__type", code, "message", message));
        }

        /** What Kinesis answers a throttled call: HTTP 400 ProvisionedThroughputExceededException. */
        public static Answer throttled() {
            return error(400, "ProvisionedThroughputExceededException", "Rate exceeded for shard (AwsLoopback)");
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Function<String, Answer> script;
    private final Map<String, Queue<Long>> requests = new ConcurrentHashMap<>();

    private AwsLoopback(Function<String, Answer> script) {
        this.script = script;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "aws-loopback");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::answer);
        server.start();
    }

    /** Starts a service answering each operation as {@code script} says (given the operation's name). */
    public static AwsLoopback start(Function<String, Answer> script) {
        return new AwsLoopback(script);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many requests of this operation came so far. */
    public int requests(String operation) {
        return requestTimes(operation).size();
    }

    /** When each request of this operation came ({@link System#nanoTime()}), in order. */
    public List<Long> requestTimes(String operation) {
        Queue<Long> times = requests.get(operation);
        return times == null ? List.of() : List.copyOf(times);
    }

    private void answer(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "(none)" : target.substring(target.indexOf('.') + 1);
            requests.computeIfAbsent(operation, key -> new ConcurrentLinkedQueue<>()).add(now);
            Answer answer = script.apply(operation);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean cbor = contentType != null && contentType.contains("cbor");
            byte[] body = encode(answer.body(), cbor ? CBOR : JSON);
            exchange.getResponseHeaders().add("Content-Type",
                    cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            if (answer.errorCode() != null) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", answer.errorCode());
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] encode(Map<String, Object> body, JsonFactory format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = format.createGenerator(out)) {
            write(generator, body);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> field : map.entrySet()) {
                out.writeFieldName(String.valueOf(field.getKey()));
                write(out, field.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                write(out, item);
            }
            out.writeEndArray();
        } else if (value instanceof Integer number) {
            out.writeNumber(number);
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else if (value instanceof byte[] bytes) {
            out.writeBinary(bytes);
        } else if (value == null) {
            out.writeNull();
        } else {
            out.writeString(String.valueOf(value));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
