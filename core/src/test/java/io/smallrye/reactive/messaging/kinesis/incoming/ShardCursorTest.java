package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Positions inside aggregated records: (sequence number, sub-sequence number). */
class ShardCursorTest {

    static final String SEQUENCE = "49590338271490256608559692538361571095921575989136588898";
    static final String NEXT = "49590338271490256608559692538361571095921575989136588899";

    @Test
    void resumingAfterAUserRecordAsksForItsAggregatedRecordAndSkipsWhatIsNotAfterIt() {
        IteratorStart start = IteratorStart.after(ShardPosition.of(SEQUENCE, 4));
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder();
        start.applyTo(request);
        assertThat(request.build().shardIteratorType()).isEqualTo(ShardIteratorType.AT_SEQUENCE_NUMBER);
        assertThat(request.build().startingSequenceNumber()).isEqualTo(SEQUENCE);

        ShardCursor cursor = new ShardCursor(start);
        for (int sub = 0; sub <= 4; sub++) {
            assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, sub))).as("sub-sequence %d", sub).isFalse();
        }
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 5))).isTrue();
        assertThat(cursor.fetched(ShardPosition.of(NEXT, 0))).isTrue();
    }

    @Test
    void anExpiredIteratorResumesAfterTheLastFetchedUserRecord() {
        ShardCursor cursor = new ShardCursor(IteratorStart.trimHorizon());
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 0))).isTrue();
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 1))).isTrue();

        IteratorStart resumed = cursor.expired();
        assertThat(resumed).isEqualTo(IteratorStart.after(ShardPosition.of(SEQUENCE, 1)));
        // the aggregated record comes again: its first two user records are dropped, the third is new
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 0))).isFalse();
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 1))).isFalse();
        assertThat(cursor.fetched(ShardPosition.of(SEQUENCE, 2))).isTrue();
    }

    @Test
    void afterALostPositionAnExpiredIteratorResumesFromTheNewStartNeverFromTheLostPosition() {
        ShardCursor cursor = new ShardCursor(IteratorStart.after(ShardPosition.of(SEQUENCE, 0)));
        assertThat(cursor.fetched(ShardPosition.of(NEXT, 0))).isTrue();
        assertThat(cursor.expired()).isEqualTo(IteratorStart.after(ShardPosition.of(NEXT, 0)));

        cursor.reset(IteratorStart.trimHorizon());
        assertThat(cursor.iteratorRequested()).isEqualTo(IteratorStart.trimHorizon());
        assertThat(cursor.expired()).as("nothing fetched since the reset").isEqualTo(IteratorStart.trimHorizon());
        // the new stream's records may have lower sequence numbers: none is dropped
        assertThat(cursor.fetched(ShardPosition.of("100", 0))).isTrue();
        assertThat(cursor.expired()).isEqualTo(IteratorStart.after(ShardPosition.of("100", 0)));
    }
}
