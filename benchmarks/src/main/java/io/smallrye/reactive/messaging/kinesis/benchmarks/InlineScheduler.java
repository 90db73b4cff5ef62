package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A scheduler that runs {@link #execute immediate tasks} on the calling thread and only delayed ones (buffer-time
 * timers, retries) on its own thread: with a client that answers at once, a whole send (batch, request, answer, ack)
 * then happens on the sending thread, so the benchmark measures what one core does.
 */
final class InlineScheduler extends ScheduledThreadPoolExecutor {

    InlineScheduler() {
        super(1, task -> {
            Thread thread = new Thread(task, "benchmark-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }
}
