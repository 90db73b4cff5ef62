package io.smallrye.reactive.messaging.kinesis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class EmulatorSupportTest {

    @Nested
    @ExtendWith(KinesisMockExtension.class)
    class WithExtension {

        @Test
        void writesAndReadsBackRecords(KinesisMock mock) throws Exception {
            mock.createStream("emulator-self-test", 2);
            List<PutRecordsRequestEntry> entries = IntStream.range(0, 10)
                    .mapToObj(i -> PutRecordsRequestEntry.builder()
                            .partitionKey("key-" + i)
                            .data(SdkBytes.fromUtf8String("payload-" + i))
                            .build())
                    .toList();
            PutRecordsResponse put = mock.client()
                    .putRecords(r -> r.streamName("emulator-self-test").records(entries))
                    .get(30, TimeUnit.SECONDS);
            assertThat(put.failedRecordCount()).isZero();

            List<KinesisMock.ShardRecord> records = mock.readAll("emulator-self-test");

            assertThat(records).hasSize(10);
            assertThat(records).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "payload-" + i).toList());
            assertThat(records).extracting(KinesisMock.ShardRecord::shardId).doesNotContainNull();
            assertThat(System.getProperty("aws.accessKeyId")).isEqualTo(KinesisMock.ACCESS_KEY_ID);

            mock.deleteStream("emulator-self-test");
            assertThatThrownBy(() -> mock.readAll("emulator-self-test")).isInstanceOf(ResourceNotFoundException.class);
        }

        @Test
        void sharesOneEmulatorPerClass(KinesisMock first, KinesisMock second) {
            assertThat(first).isSameAs(second);
            assertThat(first.isRunning()).isTrue();
            assertThat(first.tlsPort()).isNotEqualTo(first.endpoint().getPort());
        }
    }

    @Test
    void dynaliteAnswersListTablesAndStops() throws Exception {
        Dynalite dynalite = new Dynalite();
        dynalite.start();
        ProcessHandle process = dynalite.processHandle();
        System.out.printf("dynalite answered %d ms after launch%n", dynalite.startupTime().toMillis());
        try {
            var response = NodeEmulator.postAwsJson(dynalite.endpoint(), "dynamodb", "DynamoDB_20120810.ListTables",
                    "application/x-amz-json-1.0", "{}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"TableNames\":[]");
        } finally {
            dynalite.stop();
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(portIsFree(dynalite.endpoint().getPort())).isTrue();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void kinesaliteTakesRecordsOverHttpAndHttpsWithCborOff(boolean ssl) throws Exception {
        String cborBefore = System.getProperty("aws.cborEnabled");
        Kinesalite kinesalite = new Kinesalite(ssl);
        kinesalite.start();
        ProcessHandle process = kinesalite.processHandle();
        System.out.printf("kinesalite (ssl=%s) answered %d ms after launch%n", ssl, kinesalite.startupTime().toMillis());
        try {
            assertThat(kinesalite.endpoint().getScheme()).isEqualTo(ssl ? "https" : "http");
            kinesalite.createStream("lite-self-test", 4);
            List<PutRecordsRequestEntry> entries = IntStream.range(0, 10)
                    .mapToObj(i -> PutRecordsRequestEntry.builder()
                            .partitionKey("key-" + i)
                            .data(SdkBytes.fromUtf8String("payload-" + i))
                            .build())
                    .toList();
            PutRecordsResponse put = kinesalite.client()
                    .putRecords(r -> r.streamName("lite-self-test").records(entries))
                    .get(30, TimeUnit.SECONDS);
            assertThat(put.failedRecordCount()).isZero();
            assertThat(put.records()).allMatch(entry -> entry.shardId().startsWith("shardId-"));
            // CBOR was switched off for the client's construction only
            assertThat(System.getProperty("aws.cborEnabled")).isEqualTo(cborBefore);
        } finally {
            kinesalite.stop();
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(portIsFree(kinesalite.port())).isTrue();
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
