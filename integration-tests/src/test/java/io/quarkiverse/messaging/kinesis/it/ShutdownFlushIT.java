package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.messaging.kinesis.test.KinesisCompanion;
import io.quarkiverse.messaging.kinesis.test.StreamRecord;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;

/**
 * SIGTERM flushes what the outgoing channel buffered: the packaged application runs with a 60 s buffer time, takes a
 * bulk of orders (which then sit in the buffer) and is terminated; every order must be in the stream, written by the
 * flush at shutdown and not by the buffer timer, which would fire long after the application exited.
 */
@ExtendWith(KinesisMockExtension.class)
class ShutdownFlushIT {

    private static final String STREAM = "orders";
    private static final int ORDERS = 300;
    private static final int CUSTOMERS = 20;
    private static final Duration BUFFER_TIME = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bufferedOrdersAreWrittenOnSigterm(KinesisMock kinesis) throws Exception {
        kinesis.createStream(STREAM, 4);
        kinesis.createStream("shipments", 1); // the demo's other stream, so that its channels start cleanly
        Map<String, String> properties = Map.of(
                "mp.messaging.outgoing.orders-out.buffer-time", BUFFER_TIME.toSeconds() + "s",
                "mp.messaging.outgoing.orders-out.shutdown-timeout", "30s",
                "mp.messaging.connector.smallrye-kinesis.endpoint-override", kinesis.endpoint().toString(),
                "mp.messaging.connector.smallrye-kinesis.region", kinesis.region(),
                "aws.accessKeyId", KinesisMock.ACCESS_KEY_ID,
                "aws.secretAccessKey", KinesisMock.SECRET_ACCESS_KEY);

        try (PackagedApp app = PackagedApp.start("shutdown-flush-app", properties)) {
            HttpResponse<String> bulk = app.post("/orders/bulk?count=" + ORDERS + "&customers=" + CUSTOMERS,
                    "text/plain", "");
            long handedOver = System.nanoTime();
            assertThat(bulk.statusCode()).as("bulk answer %s; %s", bulk.body(), app.logTail(40)).isEqualTo(200);

            // the precondition of the test: the orders wait in the buffer. They are fewer than a request's worth
            // (max-batch-records, 500), so nothing is due before the buffer time (a full request's worth would leave
            // at once, and under strict ordering the records behind its keys right after it).
            long acked = awaitStableAcks(app);
            int beforeSigterm = kinesis.readAll(STREAM).size();
            assertThat(beforeSigterm).as("records in the stream before SIGTERM (%d acked), with a buffer time of %s; %s",
                    acked, BUFFER_TIME, app.logTail(40)).isEqualTo(acked).isLessThan(ORDERS);

            long sigterm = System.nanoTime();
            Integer exitCode = app.terminate(EXIT_TIMEOUT);
            Duration exitedAfter = Duration.ofNanos(System.nanoTime() - sigterm);
            Duration sinceHandedOver = Duration.ofNanos(System.nanoTime() - handedOver);
            assertThat(exitCode).as("exit code: the application did not exit within %s of SIGTERM (killed); %s",
                    EXIT_TIMEOUT, app.logTail(60)).isNotNull();
            assertThat(sinceHandedOver).as("exit %s after SIGTERM, %s after the orders were handed over "
                    + "(the buffer timer fires after %s); %s", exitedAfter, sinceHandedOver, BUFFER_TIME,
                    app.logTail(60)).isLessThan(BUFFER_TIME.dividedBy(2));

            List<StreamRecord> records;
            try (KinesisCompanion companion = new KinesisCompanion(kinesis.endpoint(), kinesis.region(),
                    KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)) {
                records = companion.readAll(STREAM);
            }
            try {
                OrdersResourceTest.assertBulkRecords(records, ORDERS, CUSTOMERS);
            } catch (AssertionError e) {
                throw new AssertionError("After SIGTERM (exit code " + exitCode + " after " + exitedAfter.toMillis()
                        + " ms; " + beforeSigterm + " records before SIGTERM), the stream holds " + records.size()
                        + " records, not the " + ORDERS + " orders: " + e.getMessage() + "\n" + app.logTail(60), e);
            }
            System.out.printf("ShutdownFlushIT: %d records before SIGTERM, %d after; exit code %d %d ms after SIGTERM%n",
                    beforeSigterm, records.size(), exitCode, exitedAfter.toMillis());
        }
    }

    /**
     * The bulk acks so far, once there are some (the first full batch leaves at once) and they stopped changing for a
     * second (at most 10 s). Waiting for the first ack: on a busy machine the first PutRecords may take over a second.
     */
    private static long awaitStableAcks(PackagedApp app) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long last = -1;
        while (true) {
            long acked = JSON.readTree(app.get("/orders/stats").body()).path("acked").asLong(-1);
            if ((acked > 0 && acked == last) || System.nanoTime() > deadline) {
                return acked;
            }
            last = acked;
            PackagedApp.sleep(1000);
        }
    }
}
