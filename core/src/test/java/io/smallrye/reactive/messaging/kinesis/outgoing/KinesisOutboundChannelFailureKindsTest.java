package io.smallrye.reactive.messaging.kinesis.outgoing;

import static io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.outgoing.ChannelHarness.Tracked;
import io.smallrye.reactive.messaging.kinesis.outgoing.FakeKinesisClient.Call;

/**
 * Errors that retrying cannot fix fail fast (one attempt, the AWS code and message in the nack) without holding back
 * their key; failures are logged on one line each, rate-limited, without stack traces at WARN and above.
 */
class KinesisOutboundChannelFailureKindsTest {

    private ChannelHarness harness;
    private final LogLines logs = new LogLines();

    @AfterEach
    void tearDown() {
        logs.close();
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void anEntryRefusedAsInvalidArgumentIsNackedAfterOneAttemptAndItsKeyGoesOn() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("too-big", "InvalidArgumentException", "InvalidArgumentException");
        harness = ChannelHarness.create(fake, "max-batch-records=1", "buffer-time=1h", "max-retries=8",
                "retry-backoff=1s");

        Tracked refused = harness.keyed("too-big", "customer-1");
        Tracked next = harness.keyed("next", "customer-1");
        harness.send(refused, next);
        harness.awaitAllDone();

        assertThat(fake.timesSent("too-big")).isEqualTo(1);
        KinesisWriteException reason = (KinesisWriteException) refused.assertNackedOnce();
        assertThat(reason.getErrorCode()).isEqualTo("InvalidArgumentException");
        assertThat(reason.getAttempts()).isEqualTo(1);
        assertThat(reason.getMessage()).contains("InvalidArgumentException for this record.")
                .contains("1 attempt(s)");
        next.assertAckedOnce();
        // the later record of the key left in the very next request, not after a backoff
        assertThat(fake.calls()).extracting(Call::data).containsExactly(List.of("too-big"), List.of("next"));
    }

    @Test
    void anUnknownEntryErrorCodeIsNackedAfterOneAttempt() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("odd", "SomeNewException", "SomeNewException");
        harness = ChannelHarness.create(fake, "max-batch-records=2", "buffer-time=1h", "retry-backoff=10ms");

        harness.send(harness.message("odd"), harness.message("fine"));
        harness.awaitAllDone();

        assertThat(fake.timesSent("odd")).isEqualTo(1);
        assertThat(((KinesisWriteException) harness.get("odd").assertNackedOnce()).getErrorCode())
                .isEqualTo("SomeNewException");
        harness.get("fine").assertAckedOnce();
    }

    @Test
    void anEntryRefusedAsStreamNotFoundIsRetried() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.refuseEntry("m0", "ResourceNotFoundException");
        harness = ChannelHarness.create(fake, "max-batch-records=1", "buffer-time=1h", "retry-backoff=10ms");

        harness.send(harness.message("m0"));
        harness.awaitAllDone();

        assertThat(fake.timesSent("m0")).isEqualTo(2);
        harness.get("m0").assertAckedOnce();
    }

    @Test
    void anAccessDeniedRequestIsNotRetried() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(Integer.MAX_VALUE, FakeKinesisClient::accessDenied);
        harness = ChannelHarness.create(fake, "max-batch-records=2", "buffer-time=1h", "retry-backoff=10ms");

        harness.send(harness.message("m0"), harness.message("m1"));
        harness.awaitAllDone();

        assertThat(fake.callCount()).isEqualTo(1);
        KinesisWriteException reason = (KinesisWriteException) harness.get("m0").assertNackedOnce();
        assertThat(reason.getErrorCode()).isEqualTo("AccessDeniedException");
        assertThat(reason.getMessage()).contains("not authorized");
    }

    @Test
    void failedRequestsAreLoggedOnOneLineThenCountedWithoutStackTraces() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.failFirstRequests(6, FakeKinesisClient::connectionReset);
        harness = ChannelHarness.create(fake, "max-batch-records=3", "buffer-time=1h", "retry-backoff=5ms",
                "max-retry-backoff=5ms");

        List<Tracked> messages = List.of(harness.message("m0"), harness.message("m1"), harness.message("m2"));
        harness.send(messages);
        harness.awaitAllDone();

        harness.assertAllAckedOnce(messages);
        assertThat(fake.callCount()).isEqualTo(7);
        List<LogRecord> lines = logs.containing("SRKIN1010");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(logs.text(lines.get(0))).contains("'" + STREAM + "'").contains("Connection reset")
                .contains("retried within max-retries").doesNotContain("\n");
        assertThat(logs.all()).allSatisfy(line -> assertThat(line.getThrown()).isNull());
    }

    @Test
    void nacksForOneErrorCodeAreLoggedOnceThenCounted() {
        FakeKinesisClient fake = new FakeKinesisClient();
        fake.entries((data, attempt) -> "ValidationException");
        harness = ChannelHarness.create(fake, "max-batch-records=20", "buffer-time=1h");

        List<Tracked> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(harness.message("m" + i));
        }
        harness.send(messages);
        harness.awaitAllDone();

        messages.forEach(Tracked::assertNackedOnce);
        assertThat(logs.containing("SRKIN1012")).hasSize(1);
        assertThat(logs.text(logs.containing("SRKIN1012").get(0))).contains("ValidationException")
                .contains("0 more message(s)");
        assertThat(logs.all()).allSatisfy(line -> assertThat(line.getThrown()).isNull());
    }

    /** The connector's log records at WARN and above, while open. */
    static final class LogLines extends Handler implements AutoCloseable {

        private final Logger logger = Logger.getLogger("io.smallrye.reactive.messaging.kinesis");
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();

        LogLines() {
            setLevel(Level.WARNING);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record);
            }
        }

        String text(LogRecord record) {
            return record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        }

        List<LogRecord> containing(String text) {
            return records.stream().filter(record -> text(record).contains(text)).toList();
        }

        List<LogRecord> all() {
            return List.copyOf(records);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
