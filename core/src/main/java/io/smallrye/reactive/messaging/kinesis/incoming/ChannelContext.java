package io.smallrye.reactive.messaging.kinesis.incoming;

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
 * The Vert.x event-loop context of one incoming channel: the only place where its state lives. The readers, the shard
 * bookkeeping (progress, lineage, claims), discovery and the health snapshot run on it, one task at a time, so they
 * need no locks; messages are created on it, each with a duplicate of it as its own context. SDK answers, acks from
 * other threads and timers (poll intervals, backoffs, shard discovery, checkpoints) hop onto it: no thread per shard.
 * Code running on a duplicate of the context (a message's context) runs on it too. The DynamoDB lease
 * coordinator owns one too (its state and timers live on it in the same way).
 */
public final class ChannelContext implements Executor {

    /** The longest {@link #read} waits for the context. */
    static final long READ_TIMEOUT_MS = 10_000;

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

    /** Runs the task later on the context, even when called from it. */
    public void submit(Runnable task) {
        try {
            context.runOnContext(ignored -> task.run());
        } catch (RejectedExecutionException vertxClosed) {
            // the application is shutting down and Vert.x stopped first (e.g. a late cancel): nothing left to do
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
    <T> T read(String what, Supplier<T> value) {
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
