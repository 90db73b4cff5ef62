package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The Vert.x event-loop context of one incoming channel. The channel's readers and shard bookkeeping run on it only,
 * one task at a time, so they need no locks; messages are created on it. Timers (poll intervals, backoffs, shard
 * discovery) are Vert.x timers on it: no thread per shard.
 */
final class ChannelContext implements Executor {

    private final ContextInternal context;

    ChannelContext(Vertx vertx) {
        // a context of its own, not the caller's: each channel gets an event loop (as SmallRye connectors do)
        this.context = ((VertxInternal) vertx).createEventLoopContext();
    }

    ContextInternal context() {
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
    void submit(Runnable task) {
        try {
            context.runOnContext(ignored -> task.run());
        } catch (RejectedExecutionException vertxClosed) {
            // the application is shutting down and Vert.x stopped first (e.g. a late cancel): nothing left to do
        }
    }

    boolean isCurrent() {
        return ContextInternal.current() == context;
    }

    /** Runs the task on the context after the delay; returns the timer id. */
    long setTimer(long delayMillis, Runnable task) {
        return context.setTimer(Math.max(1, delayMillis), ignored -> task.run());
    }

    void cancelTimer(long id) {
        context.owner().cancelTimer(id);
    }
}
