package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.Backoff;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lists the stream's shards: when asked (a request made while a listing runs is served by one more listing after
 * it), and every shard-discovery-interval after the last listing. Each complete listing is handed on. A failed
 * listing that can heal (throttling, network trouble, a stream missing for a while: {@link AwsErrors#classify}) is
 * tried again without limit, after a backoff (never later than the next discovery); only a failure retrying cannot
 * fix (access denied, invalid argument) is fatal. Runs on the channel context; health reads its problem through the
 * channel's {@link ChannelStatus}, told of each change.
 */
final class ShardDiscovery {

    private final IncomingSettings settings;
    private final StreamShards shards;
    private final ChannelContext context;
    private final Consumer<List<Shard>> listed;
    private final Consumer<Throwable> fatal;
    private final Backoff backoff;
    private final Runnable statusChanged;
    /** Told when the stream is gone (NOT_FOUND) in a channel of several streams; null: retried until it exists. */
    private Consumer<Throwable> streamDeleted;
    private boolean listedOnce;
    private boolean listing;
    private boolean listAgain;
    private boolean stopped;
    private int failures;
    private long timer = -1;
    private String problem;

    ShardDiscovery(IncomingSettings settings, StreamShards shards, ChannelContext context,
            Consumer<List<Shard>> listed, Consumer<Throwable> fatal, Runnable statusChanged) {
        this.settings = settings;
        this.shards = shards;
        this.context = context;
        this.listed = listed;
        this.fatal = fatal;
        this.statusChanged = statusChanged;
        this.backoff = new Backoff(settings.retryBackoff(), settings.maxRetryBackoff());
    }

    /**
     * In a channel of several streams, a listing answered NOT_FOUND (after the stream was found readable) means the
     * stream was deleted: {@code deleted} is told instead of listing again.
     */
    void onStreamDeleted(Consumer<Throwable> deleted) {
        this.streamDeleted = deleted;
    }

    /** Lists the shards now, or right after the listing under way. */
    void discover() {
        discover(shards::list);
    }

    /**
     * As {@link #discover()}, the listing being the one {@code lister} gives (e.g. one already under way since the
     * start); its answer is handled as any listing's.
     */
    void discover(Supplier<CompletionStage<List<Shard>>> lister) {
        if (stopped) {
            return;
        }
        if (listing) {
            listAgain = true;
            return;
        }
        listing = true;
        lister.get().whenComplete((list, failure) -> context.execute(() -> {
            listing = false;
            if (!stopped) {
                onListing(list, failure);
            }
            if (listAgain) {
                listAgain = false;
                discover();
            }
        }));
    }

    private void onListing(List<Shard> list, Throwable failure) {
        if (failure == null) {
            failures = 0;
            setProblem(null);
            listedOnce = true;
            shards.succeeded(StreamShards.LIST);
            listed.accept(list);
            schedule(settings.shardDiscoveryInterval().toMillis());
            return;
        }
        FailureKind kind = AwsErrors.classify(failure);
        if (kind == FailureKind.NOT_FOUND && streamDeleted != null) {
            stop();
            streamDeleted.accept(failure);
            return;
        }
        if (!kind.retryable()) {
            fatal.accept(shards.permanentFailure(StreamShards.LIST, failure));
            return;
        }
        failures++;
        long delay = Math.min(backoff.millis(failures), settings.shardDiscoveryInterval().toMillis());
        shards.failed(StreamShards.LIST, failure, delay);
        // after the start, a listing failing now and then is no news for health; a missing stream is
        if (!listedOnce || kind == FailureKind.NOT_FOUND || failures >= ReaderTrouble.PROBLEM_THRESHOLD) {
            setProblem(shards.problem());
        }
        schedule(delay);
    }

    private void setProblem(String now) {
        if (!Objects.equals(problem, now)) {
            problem = now;
            statusChanged.run();
        }
    }

    /** Why listing the shards does not work now (for health); null when it works. */
    String problem() {
        return problem;
    }

    private void schedule(long delayMillis) {
        if (timer != -1) {
            context.cancelTimer(timer);
        }
        timer = context.setTimer(delayMillis, () -> {
            timer = -1;
            discover();
        });
    }

    void stop() {
        stopped = true;
        if (timer != -1) {
            context.cancelTimer(timer);
            timer = -1;
        }
    }
}
