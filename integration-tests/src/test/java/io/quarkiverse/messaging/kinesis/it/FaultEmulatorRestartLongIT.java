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
 * kinesis-mock killed (SIGKILL) while the application writes and reads, restarted 3 s later on the same port with no
 * streams, and the streams created again: both channels must go on with the new streams, as after
 * {@link FaultStreamRecreatedIT} but with every connection broken as well. In the {@code fault-suite-long} profile
 * ({@code *LongIT}), since the stream case covers the same recovery in the default build.
 */
@ExtendWith(KinesisMockExtension.class)
class FaultEmulatorRestartLongIT {

    private static final Duration DOWN = Duration.ofSeconds(3);

    @Test
    void bothChannelsGoOnAfterTheEmulatorRestarted(KinesisMock kinesis) throws Exception {
        try (FaultCase fault = new FaultCase("emulator-restart", kinesis)) {
            PackagedApp app = fault.startApp("app", Map.of(
                    // the lost-position policy (issue 11; its default): read the shards of the new stream from their start
                    "mp.messaging.incoming.orders.lost-position-strategy", "trim_horizon"));
            fault.startLoad(app, 5000, 100);
            FaultCase.poll(Duration.ofSeconds(30), () -> FaultCase.load(app).path("acked").asLong() >= 800
                    && !fault.receipts().isEmpty());
            long ackedAtKill = FaultCase.load(app).path("acked").asLong();

            kinesis.kill();
            PackagedApp.sleep(DOWN.toMillis());
            kinesis.restart();
            fault.createStreams();
            int acksBeforeRestart = fault.fates().acked().size();

            Duration recovered = fault.awaitRecovery(app, Duration.ofSeconds(60));
            FaultCase.awaitLoadAnswered(app, Duration.ofSeconds(120));
            Set<String> ackedAfter = fault.fates().acked().entrySet().stream()
                    .filter(ack -> ack.getValue().index() >= acksBeforeRestart).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            fault.awaitReceived(ackedAfter, Duration.ofSeconds(30));
            Integer exit = app.terminate(Duration.ofSeconds(60));

            FaultFigures figures = fault.report(recovered, "acked-before-kill=" + ackedAtKill
                    + " acked-after-restart=" + ackedAfter.size() + " down=" + DOWN.toSeconds() + "s exit=" + exit
                    + " " + FaultCase.logFigures(app));
            fault.check(figures, ackedAfter, exit != null, app);
        }
    }
}
