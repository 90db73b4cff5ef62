package io.quarkiverse.messaging.kinesis.it;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.Fault;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;

/**
 * Kinesis lost for 20 s while the application sends and reads: first it hangs (requests accepted, never answered) for
 * 10 s, then it refuses connections for 10 s (which also resets the hung ones). Both channels must go on afterwards, and
 * every order be acked (then in the stream and processed by the consumer) or nacked with a reason.
 */
@ExtendWith(KinesisMockExtension.class)
class FaultMidStreamOutageIT {

    private static final Duration HANG = Duration.ofSeconds(10);
    private static final Duration REFUSE = Duration.ofSeconds(10);

    @Test
    void bothChannelsGoOnAfterAnOutageMidStreamAndEveryOrderIsAnswered(KinesisMock kinesis) throws Exception {
        try (FaultCase fault = new FaultCase("mid-stream-outage", kinesis)) {
            PackagedApp app = fault.startApp("app", Map.of());
            fault.startLoad(app, 6000, 100);
            FaultCase.poll(Duration.ofSeconds(30), () -> FaultCase.load(app).path("acked").asLong() >= 1000
                    && !fault.receipts().isEmpty());
            long ackedAtOutage = FaultCase.load(app).path("acked").asLong();

            fault.proxy.inject(Fault.hang());
            PackagedApp.sleep(HANG.toMillis());
            fault.proxy.refuse();
            PackagedApp.sleep(REFUSE.toMillis());
            fault.proxy.pass();

            Duration recovered = fault.awaitRecovery(app, Duration.ofSeconds(60));
            FaultCase.awaitLoadAnswered(app, Duration.ofSeconds(120));
            fault.awaitReceived(fault.fates().acked().keySet(), Duration.ofSeconds(30));
            Integer exit = app.terminate(Duration.ofSeconds(60));

            FaultFigures figures = fault.report(recovered, "acked-before-outage=" + ackedAtOutage + " hang="
                    + HANG.toSeconds() + "s (" + fault.proxy.faulted() + " requests hung) refuse=" + REFUSE.toSeconds()
                    + "s exit=" + exit + " "
                    + FaultCase.logFigures(app));
            fault.check(figures, figures.fates().acked().keySet(), exit != null, app);
        }
    }
}
