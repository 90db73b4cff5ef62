package io.smallrye.reactive.messaging.kinesis.context;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The Vert.x event-loop context of one channel (incoming or outgoing). The channel's state is touched on it only, one
 * task at a time, so it needs no locks: SDK answers hop onto it, and its timers (poll intervals, backoffs, shard
 * discovery, buffer-time) are Vert.x timers on it. No thread per channel or per shard: contexts share Vert.x's event
 * loops.
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

    /**
     * Runs the task later on the context, even when called from it.
     *
     * @return false when Vert.x no longer runs tasks (the application is shutting down and Vert.x stopped first, e.g.
     *         a late cancel): the task will never run
     */
    public boolean submit(Runnable task) {
        try {
            context.runOnContext(ignored -> task.run());
            return true;
        } catch (RejectedExecutionException vertxClosed) {
            return false;
        }
    }

    public boolean isCurrent() {
        return ContextInternal.current() == context;
    }

    /** Runs the task on the context after the delay; returns the timer id. */
    public long setTimer(long delayMillis, Runnable task) {
        return context.setTimer(Math.max(1, delayMillis), ignored -> task.run());
    }

    public void cancelTimer(long id) {
        context.owner().cancelTimer(id);
    }
}
