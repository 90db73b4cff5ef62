package io.smallrye.reactive.messaging.kinesis.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.client.RepeatedFailures;
import software.amazon.awssdk.core.exception.SdkClientException;

class CallFailuresTest {

    private final AtomicLong now = new AtomicLong();
    private final CallFailures failures = new CallFailures("orders-in",
            new RepeatedFailures(Duration.ofSeconds(30), now::get));
    private final List<LogRecord> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.smallrye.reactive.messaging.kinesis");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(handler);
    }

    @AfterEach
    void release() {
        logger.removeHandler(handler);
    }

    private List<String> messages() {
        return lines.stream().map(record -> record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                : record.getMessage()).toList();
    }

    private int fail(List<String> firstLines) {
        return failures.failed("GetRecords", "on shard shardId-000000000000",
                SdkClientException.create("Unable to execute HTTP request: Connection refused",
                        new java.net.ConnectException("Connection refused")),
                firstLines::add);
    }

    @Test
    void aRunOfFailuresGivesTheFirstLineThenACountEveryIntervalThenOneLineWhenItWorksAgain() {
        List<String> firstLines = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            fail(firstLines);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        // 50 failures over 50 s: the first one, then one count after 30 s
        assertThat(firstLines).containsExactly(
                "SdkClientException: Unable to execute HTTP request: Connection refused");
        assertThat(messages()).singleElement().satisfies(line -> assertThat(line).contains("SRKIN1121")
                .contains("orders-in").contains("GetRecords on shard shardId-000000000000").contains("30 more")
                .contains("Connection refused"));
        assertThat(failures.failingSince("GetRecords", "on shard shardId-000000000000")).isNotNull();

        failures.succeeded("GetRecords", "on shard shardId-000000000000");
        assertThat(messages()).hasSize(2).last().satisfies(line -> assertThat(line).contains("SRKIN1122")
                .contains("works again").contains("50 failure(s)"));
        assertThat(failures.failingSince("GetRecords", "on shard shardId-000000000000")).isNull();
        assertThat(lines).allMatch(record -> record.getThrown() == null);

        // the next failure starts a new run, logged at once
        assertThat(fail(firstLines)).isEqualTo(1);
        assertThat(firstLines).hasSize(2);
    }

    @Test
    void aSuccessWithoutFailuresLogsNothing() {
        failures.succeeded("ListShards", "of stream 'orders'");
        assertThat(lines).isEmpty();
    }
}
