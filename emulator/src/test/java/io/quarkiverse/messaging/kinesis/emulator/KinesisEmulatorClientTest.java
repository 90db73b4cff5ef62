package io.quarkiverse.messaging.kinesis.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Streams created through the SDK on a real kinesis-mock, as Dev Services do on a shared or container emulator. */
class KinesisEmulatorClientTest {

    static final String REGION = "us-east-1";
    static KinesisLocalProcess emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = new KinesisLocalProcess(new KinesisLocalProcess.Settings("node", "npm",
                EmulatorCache.defaultDirectory(), "0.6.2", 0, REGION, Map.of("existing", 3), Duration.ofSeconds(60)));
        emulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void missingStreamsAreCreatedWithTheirShardsAndExistingOnesKept() throws Exception {
        try (KinesisEmulatorClient client = new KinesisEmulatorClient(endpoint(), REGION)) {
            assertThat(client.isActive("first")).isFalse();

            assertThat(client.createStreams(Map.of("first", 1, "second", 2, "existing", 1), Duration.ofSeconds(30)))
                    .isNull();

            assertThat(client.isActive("first")).isTrue();
            assertThat(client.isActive("second")).isTrue();
        }
        assertThat(openShards("second")).isEqualTo(2);
        assertThat(openShards("existing")).as("an existing stream is left as it is").isEqualTo(3);
    }

    @Test
    void anEmulatorThatDoesNotAnswerIsReportedNotThrown() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + KinesisLocalProcess.freePorts(1)[0]);
        try (KinesisEmulatorClient client = new KinesisEmulatorClient(nobody, REGION)) {
            assertThat(client.answers()).isFalse();
            assertThat(client.createStreams(Map.of("any", 1), Duration.ofSeconds(5)))
                    .contains("CreateStream of 'any'").contains(nobody.toString());
        }
    }

    @Test
    void aRunningEmulatorAnswers() {
        try (KinesisEmulatorClient client = new KinesisEmulatorClient(endpoint(), REGION)) {
            assertThat(client.answers()).isTrue();
        }
    }

    private static URI endpoint() {
        return URI.create(emulator.getConnectionInfo());
    }

    private static int openShards(String stream) {
        try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint()).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            return kinesis.describeStreamSummary(request -> request.streamName(stream)).streamDescriptionSummary()
                    .openShardCount();
        }
    }
}
