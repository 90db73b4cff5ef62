package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The Vert.x event-loop context of one incoming channel. The channel's readers and shard bookkeeping run on it only,
 * one task at a time, so they need no locks; messages are created on it. Timers (poll intervals, backoffs, shard
 * discovery) are Vert.x timers on it: no thread per shard. The DynamoDB lease coordinator owns one too (its state and
 * timers live on it in the same way).
 */
public final class ChannelContext implements Executor {

    private final ContextInternal context;

    public ChannelContext(Vertx vertx) {
        // a context of its own, not the caller's: each channel gets an event loop (as SmallRye connectors do)
        this.context = ((VertxInternal) vertx).createEventLoopContext();
    }

    public ContextInternal context() {
        return context;
    }

    /** Runs the task on the context: at once when already there, else as a new task of the context. */
    @Override
    public void execute(Runnable task) {
        if (isCurrent()) {
            task.run();
        } else {
            submit(task);
        }
    }

    /** Runs the task later on the context, even when called from it. */
    public void submit(Runnable task) {
        try {
            context.runOnContext(ignored -> task.run());
        } catch (RejectedExecutionException vertxClosed) {
            // the application is shutting down and Vert.x stopped first (e.g. a late cancel): nothing left to do
        }
    }

    public boolean isCurrent() {
        return ContextInternal.current() == context;
    }

    /** Runs the task on the context after the delay; returns the timer id. */
    public long setTimer(long delayMillis, Runnable task) {
        return context.setTimer(Math.max(1, delayMillis), ignored -> task.run());
    }

    /** Runs the task on the context every {@code periodMillis}; returns the timer id. */
    public long setPeriodic(long periodMillis, Runnable task) {
        return context.setPeriodic(Math.max(1, periodMillis), ignored -> task.run());
    }

    public void cancelTimer(long id) {
        context.owner().cancelTimer(id);
    }
}
