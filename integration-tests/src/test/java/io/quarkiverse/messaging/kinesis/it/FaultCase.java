package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.messaging.kinesis.it.Receipts.Receipt;
import io.smallrye.reactive.messaging.kinesis.test.FaultProxy;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock.ShardRecord;

/**
 * What the fault ITs share: kinesis-mock behind a {@link FaultProxy}, the packaged demo pointed at the proxy with a
 * send log and a receipt log, its load generator, waits, and the checks every case makes on every message's fate.
 */
final class FaultCase implements AutoCloseable {

    static final String STREAM = "orders";
    static final int SHARDS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final KinesisMock kinesis;
    final FaultProxy proxy;
    final Path sentLog;
    private final List<PackagedApp> apps = new ArrayList<>();
    private final Map<String, Path> receivedLogs = new LinkedHashMap<>();

    private final int shards;

    FaultCase(String name, KinesisMock kinesis) {
        this(name, kinesis, SHARDS);
    }

    FaultCase(String name, KinesisMock kinesis, int shards) {
        this.name = name;
        this.kinesis = kinesis;
        this.shards = shards;
        createStreams();
        this.sentLog = freshFile(name + "-sent.log");
        this.proxy = FaultProxy.start(kinesis.endpoint());
    }

    /** The demo's two streams: {@code orders} and {@code shipments} (so that its channels all start cleanly). */
    void createStreams() {
        kinesis.createStream(STREAM, shards);
        kinesis.createStream("shipments", 1);
    }

    /** Starts an instance of the demo, Kinesis through the proxy, with its own receipt log; {@code extra} wins. */
    PackagedApp startApp(String run, Map<String, String> extra) {
        Path receivedLog = freshFile(name + "-" + run + "-received.log");
        synchronized (receivedLogs) {
            receivedLogs.put(run, receivedLog);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("mp.messaging.connector.smallrye-kinesis.endpoint-override", proxy.endpoint().toString());
        properties.put("mp.messaging.connector.smallrye-kinesis.region", kinesis.region());
        properties.put("aws.accessKeyId", KinesisMock.ACCESS_KEY_ID);
        properties.put("aws.secretAccessKey", KinesisMock.SECRET_ACCESS_KEY);
        properties.put("orders.sent-log", sentLog.toString());
        properties.put("orders.received-log", receivedLog.toString());
        properties.putAll(extra);
        PackagedApp app = PackagedApp.start("fault-suite/" + name + "-" + run, properties);
        synchronized (apps) {
            apps.add(app);
        }
        return app;
    }

    /** Starts the demo's load generator: {@code count} orders {@code <case>-<i>} over {@code customers} keys. */
    void startLoad(PackagedApp app, int count, int customers) throws IOException {
        HttpResponse<String> answer = app.post("/orders/load?count=" + count + "&customers=" + customers + "&prefix="
                + name + "-", "text/plain", "");
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("load not started: " + answer.statusCode() + " " + answer.body());
        }
    }

    /** The load generator's counters: accepted, refused, acked, nacked, done. */
    static JsonNode load(PackagedApp app) {
        try {
            return JSON.readTree(app.get("/orders/load").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Until the load is done and every accepted order got an ack or a nack; false if not within {@code max}. */
    static boolean awaitLoadAnswered(PackagedApp app, Duration max) {
        return poll(max, () -> {
            JsonNode load = load(app);
            return load.path("done").asBoolean()
                    && load.path("acked").asLong() + load.path("nacked").asLong() >= load.path("accepted").asLong();
        });
    }

    /**
     * From the end of a fault: how long until the outgoing channel acked an order again and the consumer processed a
     * record again; {@code null} if not both within {@code max}.
     */
    Duration awaitRecovery(PackagedApp app, Duration max) {
        long start = System.nanoTime();
        long ackedBefore = load(app).path("acked").asLong();
        int receivedBefore = receipts().size();
        boolean recovered = poll(max, () -> load(app).path("acked").asLong() > ackedBefore
                && receipts().size() > receivedBefore);
        return recovered ? Duration.ofNanos(System.nanoTime() - start) : null;
    }

    /** Until the consumer (any run) processed every one of these orders; false if not within {@code max}. */
    boolean awaitReceived(Collection<String> orders, Duration max) {
        return poll(max, () -> receipts().stream().map(Receipt::payload).collect(Collectors.toSet())
                .containsAll(orders));
    }

    /** What every run of the consumer processed, from the receipt logs (the run is the receipt's node). */
    List<Receipt> receipts() {
        List<Receipt> all = new ArrayList<>();
        synchronized (receivedLogs) {
            receivedLogs.forEach((run, log) -> all.addAll(Receipts.read(run, log).receipts()));
        }
        return all;
    }

    SendFates fates() {
        return SendFates.read(sentLog);
    }

    List<ShardRecord> stream() {
        return kinesis.readAll(STREAM);
    }

    /** Prints the one summary line of the case, then returns the figures for the checks. */
    FaultFigures report(Duration recoveredAfter, String extra) {
        FaultFigures figures = FaultFigures.of(fates(), stream(), receipts(), recoveredAfter, extra);
        System.out.println(figures.line(name));
        return figures;
    }

    /**
     * The checks of every case: each order acked ({@code ackedToCheck}) is in the stream; each nack has a reason; no
     * order both acked and nacked; after a graceful stop no accepted order is left without an answer; the consumer
     * processed every record of the stream; both channels recovered.
     */
    void check(FaultFigures figures, Collection<String> ackedToCheck, boolean gracefulStop, PackagedApp app) {
        SendFates fates = figures.fates();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(fates.accepted()).as("orders accepted by the Emitter").isNotEmpty();
        softly.assertThat(figures.ackedNotInStream(ackedToCheck)).as("acked orders missing from the stream").isEmpty();
        softly.assertThat(fates.nacked().values()).as("nack reasons").allMatch(reason -> !reason.isBlank());
        softly.assertThat(fates.answeredTwice()).as("orders both acked and nacked").isEmpty();
        if (gracefulStop) {
            softly.assertThat(fates.unanswered()).as("accepted orders without an answer after a graceful stop")
                    .isEmpty();
        }
        softly.assertThat(figures.inStreamNotReceived()).as("records of the stream the consumer never processed")
                .isEmpty();
        softly.assertThat(figures.recoveredAfter()).as("recovery of both channels after the fault").isNotNull();
        if (!softly.errorsCollected().isEmpty()) {
            softly.fail("%s; %s", figures.line(name), app == null ? "" : app.logTail(30));
        }
        softly.assertAll();
    }

    /** How many lines the application logged, and how many of them are WARN or ERROR (log hygiene under faults). */
    static String logFigures(PackagedApp app) {
        try {
            List<String> lines = Files.readAllLines(app.logFile());
            long warnOrError = lines.stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .count();
            return "app-log-lines=" + lines.size() + " warn-error=" + warnOrError;
        } catch (IOException | UncheckedIOException e) {
            return "app-log-lines=?";
        }
    }

    static boolean poll(Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            PackagedApp.sleep(250);
        }
    }

    private static Path freshFile(String fileName) {
        Path file = PackagedApp.moduleDir().resolve("target/fault-suite").resolve(fileName);
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        synchronized (apps) {
            apps.forEach(PackagedApp::close);
        }
        proxy.close();
    }
}
