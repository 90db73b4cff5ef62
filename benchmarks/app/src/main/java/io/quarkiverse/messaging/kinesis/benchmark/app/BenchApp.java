package io.quarkiverse.messaging.kinesis.benchmark.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The benchmark application's main: {@code bench.mode} chooses what it does, and it talks to the harness through lines
 * on stdout that start with {@code BENCH } (the rest of the output is the application's log) and lines on stdin.
 * <ul>
 * <li>{@code produce}: sends {@code bench.records} records through the Emitter ({@link Producer}), prints
 * {@code BENCH START} before the first send and {@code BENCH END ...} once every record is acked or nacked, then waits
 * for {@code exit} on stdin (the harness reads the process's CPU time in between);</li>
 * <li>{@code consume}: the {@code @Incoming} method ({@link Consumer}) counts and times what it receives; prints
 * {@code BENCH READY}, then {@code BENCH PROGRESS ...} every second, and {@code BENCH END ...} on {@code report};</li>
 * <li>{@code hold}: sends like {@code produce} (e.g. into a long buffer-time), prints {@code BENCH SENT ...} and waits
 * for SIGTERM; acks that arrive after it are printed as {@code BENCH SETTLED ...} when the last one is in.</li>
 * </ul>
 */
@QuarkusMain
public class BenchApp implements QuarkusApplication {

    @ConfigProperty(name = "bench.mode", defaultValue = "produce")
    String mode;

    @Inject
    Producer producer;

    @Inject
    Consumer consumer;

    @Override
    public int run(String... args) throws Exception {
        switch (mode) {
            case "produce" -> {
                Producer.Result result = producer.run(() -> Out.line("START"), () -> Out.line("ACKED"));
                Out.line("END " + result);
                awaitCommand("exit");
            }
            case "consume" -> {
                Out.line("READY");
                Thread progress = new Thread(() -> {
                    while (true) {
                        Out.line("PROGRESS " + consumer.progress());
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "bench-progress");
                progress.setDaemon(true);
                progress.start();
                awaitCommand("report");
                progress.interrupt();
                Out.line("END " + consumer.report());
                awaitCommand("exit");
            }
            case "hold" -> {
                producer.reportSettledAfterSigterm();
                Producer.Result result = producer.sendOnly();
                Out.line("SENT " + result);
                Quarkus.waitForExit();
            }
            default -> throw new IllegalArgumentException("bench.mode is produce, consume or hold, not " + mode);
        }
        return 0;
    }

    /** Blocks until the harness writes this word on stdin (or closes it). */
    private static void awaitCommand(String word) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().equals(word)) {
                return;
            }
        }
    }
}
