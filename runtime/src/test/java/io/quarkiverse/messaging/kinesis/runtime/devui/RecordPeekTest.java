package io.quarkiverse.messaging.kinesis.runtime.devui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekedRecord;
import io.smallrye.reactive.messaging.kinesis.ScriptedKinesis;
import io.smallrye.reactive.messaging.kinesis.aggregation.AggregatedRecordWriter;
import io.smallrye.reactive.messaging.kinesis.aggregation.PackedRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The Records page's peek against {@link ScriptedKinesis} (GetRecords pages of 7 records, AT_TIMESTAMP by the records'
 * arrival times).
 */
class RecordPeekTest {

    private static final String SHARD = "shardId-000000000000";

    private final ScriptedKinesis kinesis = new ScriptedKinesis();

    private PeekView peek(int count) {
        return RecordPeek.peek(kinesis, "scripted-stream", SHARD, count).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theLatestRecordsAreKeptAcrossPagesWithTheUserRecordsOfAnAggregatedRecordUnpacked() {
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD).withRecords(10);
        AggregatedRecordWriter writer = new AggregatedRecordWriter(1024 * 1024);
        writer.tryAdd("user-a", null, SdkBytes.fromUtf8String("{\"n\":1}"));
        writer.tryAdd("user-b", null, SdkBytes.fromUtf8String("{\"n\":2}"));
        PackedRecord packed = writer.build();
        String aggregatedSequence = shard.withData(packed.partitionKey(), packed.data());

        PeekView view = peek(3);

        assertThat(view.error()).isNull();
        assertThat(view.complete()).as("the tip of the shard was reached").isTrue();
        assertThat(view.scannedRecords()).isEqualTo(11);
        assertThat(view.records()).extracting(PeekedRecord::partitionKey, PeekedRecord::text)
                .containsExactly(
                        tuple("key-4", SHARD + ":9"),
                        tuple("user-a", "{\"n\":1}"),
                        tuple("user-b", "{\"n\":2}"));
        assertThat(view.records().get(0).aggregated()).isFalse();
        assertThat(view.records().get(0).hex()).startsWith("73 68 61 72 64"); // "shard"
        assertThat(view.records().subList(1, 3)).allSatisfy(record -> {
            assertThat(record.aggregated()).isTrue();
            assertThat(record.sequenceNumber()).isEqualTo(aggregatedSequence);
        });
        assertThat(view.records().get(2).subSequenceNumber()).isEqualTo(1);
    }

    @Test
    void aShardTooLargeForTheCallBudgetShowsTheLatestOfWhatWasReadAndSaysMoreFollow() {
        kinesis.addShard(SHARD).withRecords(RecordPeek.MAX_CALLS * 7 + 60);

        PeekView view = peek(2);

        assertThat(view.complete()).isFalse();
        assertThat(view.window()).isEqualTo("the last minute");
        assertThat(view.scannedRecords()).isEqualTo(RecordPeek.MAX_CALLS * 7);
        assertThat(view.records()).extracting(PeekedRecord::text)
                .containsExactly(SHARD + ":" + (RecordPeek.MAX_CALLS * 7 - 2), SHARD + ":" + (RecordPeek.MAX_CALLS * 7 - 1));
    }

    @Test
    void onABigShardTheWindowIsWidenedFromTheLastMinuteUntilItHoldsTheRecordsAsked() {
        Instant now = Instant.parse("2026-05-01T12:00:00Z");
        ScriptedKinesis.ScriptedShard shard = kinesis.addShard(SHARD)
                .withRecords(RecordPeek.MAX_CALLS * 7 * 3, now.minus(Duration.ofDays(2)))
                .withRecords(3, now.minus(Duration.ofMinutes(30)))
                .withRecords(2, now.minusSeconds(30));
        int total = RecordPeek.MAX_CALLS * 7 * 3 + 5;

        PeekView view = RecordPeek.peek(kinesis, "scripted-stream", SHARD, 4, Clock.fixed(now, ZoneOffset.UTC))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(view.error()).isNull();
        assertThat(view.window()).isEqualTo("the last hour");
        assertThat(view.complete()).isTrue();
        assertThat(view.scannedRecords()).isEqualTo(5);
        assertThat(view.records()).extracting(PeekedRecord::text).containsExactly(
                SHARD + ":" + (total - 4), SHARD + ":" + (total - 3), SHARD + ":" + (total - 2), SHARD + ":" + (total - 1));
        assertThat(kinesis.iteratorRequests()).containsExactly(
                SHARD + " AT_TIMESTAMP " + now.minus(Duration.ofMinutes(1)),
                SHARD + " AT_TIMESTAMP " + now.minus(Duration.ofMinutes(10)),
                SHARD + " AT_TIMESTAMP " + now.minus(Duration.ofHours(1)));
        assertThat(shard.calls()).isLessThanOrEqualTo(RecordPeek.MAX_CALLS);
    }

    @Test
    void whenTheWholeShardIsTooBigForTheCallBudgetTheLatestRecordsOfTheWidestWindowReadAreShown() {
        Instant now = Instant.parse("2026-05-01T12:00:00Z");
        kinesis.addShard(SHARD)
                .withRecords(RecordPeek.MAX_CALLS * 7 * 3, now.minus(Duration.ofDays(2)))
                .withRecords(3, now.minus(Duration.ofHours(5)));

        PeekView view = RecordPeek.peek(kinesis, "scripted-stream", SHARD, 10, Clock.fixed(now, ZoneOffset.UTC))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(view.window()).isEqualTo("the last day");
        assertThat(view.complete()).isTrue();
        assertThat(view.records()).hasSize(3);
        assertThat(kinesis.iteratorRequests()).hasSize(5).last().asString().endsWith("TRIM_HORIZON");
    }

    @Test
    void aSmallShardIsReadWhole() {
        Instant now = Instant.parse("2026-05-01T12:00:00Z");
        kinesis.addShard(SHARD).withRecords(3, now.minus(Duration.ofDays(3)));

        PeekView view = RecordPeek.peek(kinesis, "scripted-stream", SHARD, 5, Clock.fixed(now, ZoneOffset.UTC))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(view.window()).isEqualTo("the whole shard (from its oldest record)");
        assertThat(view.complete()).isTrue();
        assertThat(view.records()).extracting(PeekedRecord::text)
                .containsExactly(SHARD + ":0", SHARD + ":1", SHARD + ":2");
    }

    @Test
    void aFailedCallIsOneLineWithTheAwsErrorCode() {
        kinesis.addShard(SHARD).withRecords(1);
        kinesis.failNextIteratorRequest(() -> ResourceNotFoundException
                .builder().message("Stream scripted-stream under account 000000000000 not found.").build());

        PeekView view = peek(5);

        assertThat(view.records()).isEmpty();
        assertThat(view.error()).contains("not found").doesNotContain("\n");
    }
}
