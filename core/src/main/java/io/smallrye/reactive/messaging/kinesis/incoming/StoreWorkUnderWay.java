package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;

/**
 * The checkpoint store's work that the stop waits for before it closes the store: claims not answered yet (an answer
 * that owns a shard after the stop releases it at once) and releases not answered yet, a hand-off's from the moment the
 * store asked for it (the records in flight complete first). Without it, such a release would reach a closed store, or
 * none at all. Channel context only; the stage of {@link #done(long)} completes there.
 */
final class StoreWorkUnderWay {

    private final ChannelContext context;
    private int count;
    private CompletableFuture<Void> done;
    private long timer = -1;

    StoreWorkUnderWay(ChannelContext context) {
        this.context = context;
    }

    /** Some work starts; {@link #ended()} follows once it is done. */
    void started() {
        count++;
    }

    /** Work {@link #started()} before is done. */
    void ended() {
        if (--count == 0 && done != null) {
            finish();
        }
    }

    /** Counts {@code work} as under way until it completes. */
    void track(CompletionStage<?> work) {
        started();
        work.whenComplete((ignored, failure) -> context.execute(this::ended));
    }

    /** Completes once no work is under way, or after {@code timeoutMs}. Called once, by the stop. */
    CompletionStage<Void> done(long timeoutMs) {
        done = new CompletableFuture<>();
        if (count == 0) {
            finish();
        } else {
            timer = context.setTimer(timeoutMs, this::finish);
        }
        return done;
    }

    private void finish() {
        if (timer != -1) {
            context.cancelTimer(timer);
            timer = -1;
        }
        done.complete(null);
    }
}
