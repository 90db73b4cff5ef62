package io.quarkiverse.messaging.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;

/**
 * kill -9 of the application while it sends as fast as it can, then a restart. Every order acked before the kill must
 * be in the stream; orders accepted but never answered are those in flight or buffered at the kill (counted, with how
 * many of them Kinesis stored anyway); the restarted application reads the stream again (in-memory checkpoints:
 * from the start) and processes every record.
 */
@ExtendWith(KinesisMockExtension.class)
class FaultKillUnderLoadIT {

    @Test
    void everyOrderAckedBeforeAKillIsInTheStreamAndTheRestartedApplicationReadsThemAll(KinesisMock kinesis)
            throws Exception {
        try (FaultCase fault = new FaultCase("kill-under-load", kinesis)) {
            PackagedApp first = fault.startApp("first", Map.of());
            fault.startLoad(first, 5000, 100);
            FaultCase.poll(Duration.ofSeconds(30), () -> FaultCase.load(first).path("acked").asLong() >= 1000);
            first.kill();
            long killed = System.nanoTime();
            SendFates atKill = fault.fates();

            PackagedApp second = fault.startApp("second", Map.of());
            Set<String> inStream = fault.stream().stream().map(record -> record.dataAsUtf8())
                    .collect(Collectors.toSet());
            boolean readAgain = fault.awaitReceived(inStream, Duration.ofSeconds(60));
            Duration recovered = readAgain ? Duration.ofNanos(System.nanoTime() - killed) : null;
            Integer exit = second.terminate(Duration.ofSeconds(60));

            Set<String> unanswered = atKill.unanswered();
            long storedWithoutAnswer = unanswered.stream().filter(inStream::contains).count();
            FaultFigures figures = fault.report(recovered, "unanswered-in-stream=" + storedWithoutAnswer
                    + " restart-exit=" + exit + " " + FaultCase.logFigures(first));
            assertThat(figures.fates().accepted()).as("the second run sends nothing").hasSameSizeAs(atKill.accepted());
            fault.check(figures, atKill.acked().keySet(), false, second);
            assertThat(exit).as("exit code of the restarted application after SIGTERM; %s", second.logTail(30))
                    .isNotNull();
        }
    }
}
