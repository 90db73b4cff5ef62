package io.quarkiverse.messaging.kinesis.it;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;

/**
 * The {@code orders} stream deleted while the application writes and reads it, and created again (same name, same
 * shard count) 3 s later: both channels must go on with the new stream. What was acked before the deletion went with
 * the old stream; every order acked after the re-creation must be in the new stream, and the consumer must process
 * every record of the new stream (its positions in the old one no longer exist: it starts the new shards over).
 */
@ExtendWith(KinesisMockExtension.class)
class FaultStreamRecreatedIT {

    private static final Duration ABSENT = Duration.ofSeconds(3);

    @Test
    void bothChannelsGoOnWithTheRecreatedStream(KinesisMock kinesis) throws Exception {
        try (FaultCase fault = new FaultCase("stream-recreated", kinesis)) {
            PackagedApp app = fault.startApp("app", Map.of(
                    // the lost-position policy (issue 11; its default): read the shards of the new stream from their start
                    "mp.messaging.incoming.orders.lost-position-strategy", "trim_horizon"));
            fault.startLoad(app, 5000, 100);
            FaultCase.poll(Duration.ofSeconds(30), () -> FaultCase.load(app).path("acked").asLong() >= 800
                    && !fault.receipts().isEmpty());
            long ackedAtDeletion = FaultCase.load(app).path("acked").asLong();

            kinesis.deleteStream(FaultCase.STREAM);
            PackagedApp.sleep(ABSENT.toMillis());
            kinesis.createStream(FaultCase.STREAM, FaultCase.SHARDS);
            int acksBeforeRecreation = fault.fates().acked().size();

            Duration recovered = fault.awaitRecovery(app, Duration.ofSeconds(60));
            FaultCase.awaitLoadAnswered(app, Duration.ofSeconds(120));
            Set<String> ackedAfter = fault.fates().acked().entrySet().stream()
                    .filter(ack -> ack.getValue().index() >= acksBeforeRecreation).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            fault.awaitReceived(ackedAfter, Duration.ofSeconds(30));
            Integer exit = app.terminate(Duration.ofSeconds(60));

            FaultFigures figures = fault.report(recovered, "acked-before-deletion=" + ackedAtDeletion
                    + " acked-after-recreation=" + ackedAfter.size() + " absent=" + ABSENT.toSeconds() + "s exit="
                    + exit + " " + FaultCase.logFigures(app));
            fault.check(figures, ackedAfter, exit != null, app);
        }
    }
}
