package io.quarkiverse.messaging.kinesis.runtime.devui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekView;
import io.quarkiverse.messaging.kinesis.runtime.devui.DevUiViews.PeekedRecord;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import software.amazon.awssdk.core.SdkBytes;

/** The Records page's peek against kinesis-mock: its time windows (AT_TIMESTAMP) and the whole shard. */
@ExtendWith(KinesisMockExtension.class)
class RecordPeekEmulatorTest {

    private static final String SHARD = "shardId-000000000000";

    @Test
    void recentRecordsAreFoundInTheLastMinuteAndTheWholeShardIsReadWhenItHoldsFewerThanAsked(KinesisMock kinesis) {
        kinesis.createStream("peek", 1);
        for (String order : List.of("order-1", "order-2", "order-3")) {
            kinesis.client().putRecord(r -> r.streamName("peek").partitionKey(order)
                    .data(SdkBytes.fromUtf8String("{\"order\":\"" + order + "\"}"))).join();
        }

        PeekView latestTwo = RecordPeek.peek(kinesis.client(), "peek", SHARD, 2).await().atMost(Duration.ofSeconds(30));
        PeekView upToFive = RecordPeek.peek(kinesis.client(), "peek", SHARD, 5).await().atMost(Duration.ofSeconds(30));

        assertThat(latestTwo.error()).isNull();
        assertThat(latestTwo.window()).isEqualTo("the last minute");
        assertThat(latestTwo.complete()).isTrue();
        assertThat(latestTwo.records()).extracting(PeekedRecord::partitionKey).containsExactly("order-2", "order-3");
        assertThat(upToFive.error()).isNull();
        assertThat(upToFive.window()).isEqualTo("the whole shard (from its oldest record)");
        assertThat(upToFive.records()).extracting(PeekedRecord::partitionKey)
                .containsExactly("order-1", "order-2", "order-3");
    }
}
