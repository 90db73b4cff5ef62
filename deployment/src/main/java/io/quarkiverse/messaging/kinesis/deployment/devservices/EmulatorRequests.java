package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kinesis API calls to a local emulator, as plain AWS JSON requests with a syntactically valid, fake signature
 * (kinesis-mock checks the form only): enough to see that it answers and to create streams, without the SDK in the
 * build.
 */
final class EmulatorRequests {

    private static final Pattern ACTIVE = Pattern.compile("\"StreamStatus\"\\s*:\\s*\"ACTIVE\"");
    private static final Duration POLL = Duration.ofMillis(50);

    private final URI endpoint;
    private final String region;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    EmulatorRequests(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.region = region;
    }

    HttpResponse<String> post(String action, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "Kinesis_20131202." + action)
                .header("X-Amz-Date", "20250101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=devservices/20250101/" + region
                        + "/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the emulator answers ListStreams. */
    boolean answers() {
        try {
            return post("ListStreams", "{}").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isActive(String stream) throws IOException, InterruptedException {
        return ACTIVE.matcher(post("DescribeStreamSummary", "{\"StreamName\":\"" + stream + "\"}").body()).find();
    }

    /**
     * Creates the streams that do not exist yet (existing ones are left as they are) and waits until all are ACTIVE.
     *
     * @return null when done, else why not
     */
    String createStreams(Map<String, Integer> streams, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, Integer> stream : streams.entrySet()) {
            try {
                HttpResponse<String> answer = post("CreateStream", "{\"StreamName\":\"" + stream.getKey()
                        + "\",\"ShardCount\":" + stream.getValue() + "}");
                if (answer.statusCode() != 200 && !answer.body().contains("ResourceInUseException")) {
                    return "CreateStream of '" + stream.getKey() + "' answered " + answer.statusCode() + ": "
                            + answer.body();
                }
                while (!isActive(stream.getKey())) {
                    if (System.nanoTime() > deadline) {
                        return "stream '" + stream.getKey() + "' not ACTIVE within " + timeout.toSeconds() + " s";
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (IOException e) {
                return "the emulator at " + endpoint + " did not answer: " + e;
            }
        }
        return null;
    }
}
