package io.smallrye.reactive.messaging.kinesis.context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingExceptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * The Vert.x event-loop context of one channel (incoming or outgoing) or of a lease coordinator: the only place where
 * its state lives. Its work runs on it, one task at a time, so it needs no locks; SDK answers, acks from other
 * threads and timers (poll intervals, backoffs, shard discovery, checkpoints, buffer-time, lease renewals) hop onto
 * it. Code running on a duplicate of the context (a message's context) runs on it too. No thread per channel or per
 * shard: contexts share Vert.x's event loops.
 */
public final class ChannelContext implements Executor {

    /** The longest {@link #read} waits for the context. */
    public static final long READ_TIMEOUT_MS = 10_000;

    private final String channel;
    private final ContextInternal context;

    public ChannelContext(String channel, Vertx vertx) {
        this.channel = channel;
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

    /** Whether the caller runs on the context, or on a duplicate of it (a message's context). */
    public boolean isCurrent() {
        ContextInternal current = ContextInternal.current();
        return current != null && current.unwrap() == context;
    }

    /**
     * Reads a value of the channel's state on the context: at once when called there, else by hopping onto it and
     * waiting (bounded) for the answer. For diagnostics from a test or a worker thread; refused on another event loop,
     * which must not block.
     *
     * @param what what is read, for the errors
     */
    public <T> T read(String what, Supplier<T> value) {
        if (isCurrent()) {
            return value.get();
        }
        if (Context.isOnEventLoopThread()) {
            throw KinesisIncomingExceptions.ex.readOnEventLoop(channel, what, Thread.currentThread().getName());
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        submit(() -> {
            try {
                answer.complete(value.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return answer.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw KinesisIncomingExceptions.ex.contextReadTimedOut(channel, what, READ_TIMEOUT_MS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause(); // what value.get() threw
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KinesisIncomingExceptions.ex.contextReadTimedOut(channel, what, 0);
        }
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
