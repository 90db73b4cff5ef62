package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;

/**
 * At stop: waits until every record some shards handed on completed, or a time limit passed, so that the last
 * checkpoints include what the application still processes. Channel context only; the stage completes there.
 */
final class PendingDrain {

    private final ChannelContext context;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int shardsLeft;
    private long timer = -1;

    private PendingDrain(ChannelContext context) {
        this.context = context;
    }

    /** Completes when no record of {@code shards} is pending, or after {@code timeoutMs} (at once when 0). */
    static CompletionStage<Void> of(List<ShardProgress> shards, long timeoutMs, ChannelContext context) {
        PendingDrain drain = new PendingDrain(context);
        if (timeoutMs == 0) {
            return CompletableFuture.completedFuture(null);
        }
        drain.shardsLeft = shards.size();
        for (ShardProgress shard : shards) {
            shard.whenAllCompleted(drain::shardCompleted);
        }
        if (drain.shardsLeft == 0) {
            drain.finish();
        } else {
            drain.timer = context.setTimer(timeoutMs, drain::finish);
        }
        return drain.done;
    }

    private void shardCompleted() {
        if (--shardsLeft == 0) {
            finish();
        }
    }

    private void finish() {
        if (timer != -1) {
            context.cancelTimer(timer);
            timer = -1;
        }
        done.complete(null);
    }
}
