package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lists the stream's shards: when asked (a request made while a listing runs is served by one more listing after
 * it), and every shard-discovery-interval after the last listing. Each complete listing is handed on. A failed
 * listing is tried again at the next interval, or with a backoff while no listing succeeded yet; a failure that
 * retrying cannot heal (the stream is gone, access denied), or {@link StreamShards#STARTUP_ATTEMPTS} failures before
 * the first success, is fatal. Runs on the channel context.
 */
final class ShardDiscovery {

    private final IncomingSettings settings;
    private final StreamShards shards;
    private final ChannelContext context;
    private final Consumer<List<Shard>> listed;
    private final Consumer<Throwable> fatal;
    private final Backoff backoff;
    private boolean listedOnce;
    private boolean listing;
    private boolean listAgain;
    private boolean stopped;
    private int failures;
    private long timer = -1;

    ShardDiscovery(IncomingSettings settings, StreamShards shards, ChannelContext context,
            Consumer<List<Shard>> listed, Consumer<Throwable> fatal) {
        this.settings = settings;
        this.shards = shards;
        this.context = context;
        this.listed = listed;
        this.fatal = fatal;
        this.backoff = new Backoff(settings.retryBackoff(), settings.maxRetryBackoff());
    }

    /** Lists the shards now, or right after the listing under way. */
    void discover() {
        if (stopped) {
            return;
        }
        if (listing) {
            listAgain = true;
            return;
        }
        listing = true;
        shards.list().whenComplete((list, failure) -> context.execute(() -> {
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
            listedOnce = true;
            listed.accept(list);
            schedule(settings.shardDiscoveryInterval().toMillis());
        } else if (!StreamShards.retryable(failure) || (!listedOnce && ++failures >= StreamShards.STARTUP_ATTEMPTS)) {
            fatal.accept(shards.failure(failure));
        } else {
            KinesisIncomingLogging.log.shardDiscoveryFailed(settings.channel(), settings.stream(),
                    ReadFailures.unwrap(failure));
            schedule(listedOnce ? settings.shardDiscoveryInterval().toMillis() : backoff.millis(failures));
        }
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
