package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.CHANNEL;
import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.KinesisSendResult;
import io.smallrye.reactive.messaging.kinesis.OutgoingKinesisMetadata;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * What a message turns into: payload bytes, partition and hash keys, target stream; and the messages refused
 * before they are sent (each alone, the others of its batch carrying on).
 */
class KinesisOutboundChannelInputTest {

    private static final BigInteger TWO_POW_128 = BigInteger.ONE.shiftLeft(128);

    private ChannelHarness harness;

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    private static OutgoingKinesisMetadata key(String partitionKey) {
        return OutgoingKinesisMetadata.builder().partitionKey(partitionKey).build();
    }

    /**
     * Sends "before", the bad message, and "after" (a batch of two once the bad one is out); asserts that only the
     * two good ones were sent, in one request, and acked, and returns the reason the bad one was nacked with.
     */
    private Throwable rejectedAlone(Tracked bad) {
        Tracked before = harness.message("before");
        Tracked after = harness.message("after");
        harness.send(before, bad, after);
        harness.awaitAllDone();

        assertThat(harness.fake.calls()).extracting(Call::data).containsExactly(List.of("before", "after"));
        before.assertAckedOnce();
        after.assertAckedOnce();
        Throwable reason = bad.assertNackedOnce();
        assertThat(reason).isInstanceOf(IllegalArgumentException.class);
        return reason;
    }

    /** Sends the messages as one batch and returns the entries of the single request, in order. */
    private List<PutRecordsRequestEntry> sentAlone(Tracked... messages) {
        harness.send(messages);
        harness.awaitAllDone();
        for (Tracked message : messages) {
            message.assertAckedOnce();
        }
        assertThat(harness.fake.calls()).hasSize(1);
        return harness.fake.calls().get(0).request.records();
    }

    // ---------------------------------------------------------------- size

    @Test
    void aRecordOverMaxRecordBytesIsNackedAlone() {
        harness = ChannelHarness.create("max-record-bytes=100", "max-batch-records=2", "buffer-time=1h");

        // 100 bytes of data + 1 byte of key
        Throwable reason = rejectedAlone(harness.messageWithPayload("big", "x".repeat(100), key("k")));

        assertThat(reason.getMessage())
                .contains("Record of 101 bytes")
                .contains("limit of 100 bytes")
                .contains("'max-record-bytes'")
                .contains("'" + CHANNEL + "'")
                .contains("'" + STREAM + "'");
    }

    @Test
    void theRecordSizeCountsThePartitionKeyInUtf8Bytes() {
        harness = ChannelHarness.create("max-record-bytes=100", "max-batch-records=2", "buffer-time=1h");

        // "éé" is 2 characters but 4 bytes: 96 + 4 = 100 fits, 97 + 4 = 101 does not
        Throwable reason = rejectedAlone(harness.messageWithPayload("big", "x".repeat(97), key("éé")));
        assertThat(reason.getMessage()).contains("Record of 101 bytes").contains("limit of 100 bytes");
    }

    @Test
    void aRecordOfExactlyMaxRecordBytesIsSent() {
        harness = ChannelHarness.create("max-record-bytes=100", "max-batch-records=2", "buffer-time=1h");

        List<PutRecordsRequestEntry> entries = sentAlone(
                harness.messageWithPayload("ascii", "a".repeat(99), key("k")),
                harness.messageWithPayload("accented", "b".repeat(96), key("éé")));

        assertThat(entries).extracting(entry -> entry.data().asByteArray().length).containsExactly(99, 96);
        assertThat(entries).extracting(PutRecordsRequestEntry::partitionKey).containsExactly("k", "éé");
    }

    // ---------------------------------------------------------------- partition key

    @Test
    void anEmptyPartitionKeyIsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.message("bad", key("")));

        assertThat(reason.getMessage()).contains("Partition key for stream '" + STREAM + "' is empty")
                .contains("1 to 256 characters");
    }

    @Test
    void aPartitionKeyOver256CharactersIsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.message("bad", key("é".repeat(257))));

        assertThat(reason.getMessage()).contains("has 257 characters").contains("at most 256");
    }

    @Test
    void aPartitionKeyOf256MultiByteCharactersIsSent() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");
        String accented = "é".repeat(256); // 512 bytes in UTF-8
        String euros = "€".repeat(256); // 768 bytes in UTF-8

        List<PutRecordsRequestEntry> entries = sentAlone(harness.message("accented", key(accented)),
                harness.message("euros", key(euros)));

        assertThat(entries).extracting(PutRecordsRequestEntry::partitionKey).containsExactly(accented, euros);
    }

    @Test
    void aMessageWithoutPartitionKeyGetsARandomOne() {
        harness = ChannelHarness.create("max-batch-records=20", "buffer-time=1h");
        Tracked[] messages = new Tracked[20];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = harness.message("m" + i);
        }

        List<PutRecordsRequestEntry> entries = sentAlone(messages);

        assertThat(entries).extracting(PutRecordsRequestEntry::partitionKey)
                .allSatisfy(key -> assertThat(key).isNotEmpty().hasSizeLessThanOrEqualTo(256))
                .doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- explicit hash key

    @Test
    void aNonNumericExplicitHashKeyIsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.message("bad",
                OutgoingKinesisMetadata.builder().partitionKey("k").explicitHashKey("abc").build()));

        assertThat(reason.getMessage()).contains("Explicit hash key 'abc'").contains("'" + STREAM + "'")
                .contains("between 0 and 2^128-1");
    }

    @Test
    void anExplicitHashKeyOf2Pow128IsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.message("bad",
                OutgoingKinesisMetadata.builder().explicitHashKey(TWO_POW_128.toString()).build()));

        assertThat(reason.getMessage()).contains("Explicit hash key '" + TWO_POW_128 + "'")
                .contains("between 0 and 2^128-1");
    }

    @Test
    void aNegativeExplicitHashKeyIsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.message("bad",
                OutgoingKinesisMetadata.builder().explicitHashKey("-1").build()));

        assertThat(reason.getMessage()).contains("Explicit hash key '-1'");
    }

    @Test
    void explicitHashKeysFrom0To2Pow128Minus1AreSent() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");
        String max = TWO_POW_128.subtract(BigInteger.ONE).toString();

        List<PutRecordsRequestEntry> entries = sentAlone(
                harness.message("max", OutgoingKinesisMetadata.builder().partitionKey("k").explicitHashKey(max).build()),
                harness.message("zero", OutgoingKinesisMetadata.builder().partitionKey("k2").explicitHashKey("0").build()));

        assertThat(entries).extracting(PutRecordsRequestEntry::explicitHashKey).containsExactly(max, "0");
        assertThat(max).isEqualTo("340282366920938463463374607431768211455");
    }

    // ---------------------------------------------------------------- payload

    @Test
    void aNullPayloadIsNackedAlone() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h");

        Throwable reason = rejectedAlone(harness.messageWithPayload("null", null));

        assertThat(reason.getMessage()).contains("Payload is null").contains("'" + STREAM + "'")
                .contains("'" + CHANNEL + "'");
    }

    @Test
    void withoutJacksonAnObjectPayloadIsNackedAloneNamingItsType() {
        harness = ChannelHarness.create("max-batch-records=2", "buffer-time=1h",
                ChannelHarness.WITHOUT_JACKSON + "=true");

        Throwable reason = rejectedAlone(harness.messageWithPayload("object", new Object()));

        assertThat(reason.getMessage()).contains("Payload of type java.lang.Object")
                .contains("'" + STREAM + "'")
                .contains("'" + CHANNEL + "'")
                .contains("byte[], String, a Vert.x Buffer, JsonObject or JsonArray").contains("jackson-databind");
    }

    @Test
    void supportedPayloadsAreSentAsTheirBytes() {
        harness = ChannelHarness.create("max-batch-records=5", "buffer-time=1h");
        byte[] binary = { 0, 1, 2, (byte) 0x80, (byte) 0xff };
        String text = "héllo € 😀";

        List<PutRecordsRequestEntry> entries = sentAlone(
                harness.messageWithPayload("bytes", binary),
                harness.messageWithPayload("string", text),
                harness.messageWithPayload("vertx", io.vertx.core.buffer.Buffer.buffer("vert.x core buffer")),
                harness.messageWithPayload("mutiny", io.vertx.mutiny.core.buffer.Buffer.buffer("mutiny buffer")),
                harness.messageWithPayload("sdk", SdkBytes.fromUtf8String("sdk bytes")));

        assertThat(entries.get(0).data().asByteArray()).isEqualTo(binary);
        assertThat(entries.get(1).data().asByteArray()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(entries.get(1).data().asByteArray()).hasSize(15);
        assertThat(entries.get(2).data().asByteArray())
                .isEqualTo("vert.x core buffer".getBytes(StandardCharsets.UTF_8));
        assertThat(entries.get(3).data().asByteArray()).isEqualTo("mutiny buffer".getBytes(StandardCharsets.UTF_8));
        assertThat(entries.get(4).data().asByteArray()).isEqualTo("sdk bytes".getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- stream

    @Test
    void recordsForDifferentStreamsNeverShareARequest() {
        harness = ChannelHarness.create("buffer-time=20ms");
        String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/by-arn";
        List<Tracked> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(harness.messageWithResult("default-" + i));
            messages.add(harness.messageWithResult("other-" + i, OutgoingKinesisMetadata.builder().stream("other").build()));
            messages.add(harness.messageWithResult("arn-" + i, OutgoingKinesisMetadata.builder().stream(arn).build()));
        }
        harness.send(messages);
        harness.awaitAllDone();
        harness.assertAllAckedOnce(messages);

        List<Call> calls = harness.fake.calls();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
        for (Call call : calls) {
            String prefix = call.data().get(0).substring(0, call.data().get(0).indexOf('-'));
            assertThat(call.data()).as("%s", call).allSatisfy(data -> assertThat(data).startsWith(prefix + "-"));
            switch (prefix) {
                case "default" -> assertThat(call.request.streamName()).isEqualTo(STREAM);
                case "other" -> assertThat(call.request.streamName()).isEqualTo("other");
                default -> {
                    assertThat(call.request.streamARN()).isEqualTo(arn);
                    assertThat(call.request.streamName()).isNull();
                }
            }
        }
        for (String prefix : List.of("default", "other", "arn")) {
            assertThat(harness.fake.allSentData()).filteredOn(data -> data.startsWith(prefix + "-"))
                    .containsExactly(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4");
        }
        assertThat(harness.get("default-0").result.getResult().stream()).isEqualTo(STREAM);
        assertThat(harness.get("other-0").result.getResult().stream()).isEqualTo("other");
        KinesisSendResult byArn = harness.get("arn-3").result.getResult();
        assertThat(byArn.stream()).isEqualTo(arn);
        assertThat(byArn.sequenceNumber()).isEqualTo(harness.fake.writeOf("arn-3").sequenceNumber());
    }
}
