package io.quarkiverse.messaging.kinesis.it;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;

/**
 * Kinesis unreachable (connections refused) from before the application starts until 25 s after it answers: both
 * channels must ride it out, then send and receive everything. The load starts during the outage: its orders are
 * accepted, then acked once Kinesis is back, or nacked with a reason when their retries run out.
 */
@ExtendWith(KinesisMockExtension.class)
class FaultStartupOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(25);

    @Test
    void bothChannelsRecoverFromAnOutageAtStartUpAndEveryOrderIsAnswered(KinesisMock kinesis) throws Exception {
        try (FaultCase fault = new FaultCase("startup-outage", kinesis)) {
            fault.proxy.refuse();
            PackagedApp app = fault.startApp("app", Map.of());
            long started = System.nanoTime();
            fault.startLoad(app, 3000, 100);
            PackagedApp.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - started) / 1_000_000));
            fault.proxy.pass();

            Duration recovered = fault.awaitRecovery(app, Duration.ofSeconds(45));
            FaultCase.awaitLoadAnswered(app, Duration.ofSeconds(90));
            fault.awaitReceived(fault.fates().acked().keySet(), Duration.ofSeconds(30));
            Integer exit = app.terminate(Duration.ofSeconds(60));

            FaultFigures figures = fault.report(recovered, "outage=" + OUTAGE.toSeconds() + "s exit=" + exit + " "
                    + FaultCase.logFigures(app));
            fault.check(figures, figures.fates().acked().keySet(), exit != null, app);
        }
    }
}
