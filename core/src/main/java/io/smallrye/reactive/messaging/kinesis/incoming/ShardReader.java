package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashRange;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.inspect.ShardSnapshot;
import software.amazon.awssdk.services.kinesis.model.ChildShard;

/**
 * Reads one shard as a demand-driven stream of records: plain records, and the user records of KPL aggregated records,
 * each on its own ({@link FetchedRecords}).
 * <p>
 * At most max-pending-records user records of the shard are pending (emitted, not completed): a record is emitted
 * only when there is room ({@link ShardProgress#roomFor}), otherwise the reader waits for the completion that makes
 * room. The next page is asked for (GetRecords, {@link ShardFetcher}; or the next SubscribeToShard event,
 * {@link ShardSubscription}) only when the subscriber has requested records and nothing fetched
 * is left to emit, when a quarter of the bound is free, and when the {@link ReadPacer} allows. GetRecords counts
 * Kinesis records, not user records: the reader asks for the room left divided by the user records per Kinesis record
 * of the previous page (1 for plain records, and for the first page). So with plain records, pending and fetched
 * records together never exceed the bound; with aggregated records, a page can hold more user records than the room
 * left (about one aggregated record's worth when pages are alike; the first page of an aggregated stream, or a page of
 * larger aggregated records than the previous one, more). Those wait, fetched but not pending, as views of the page's
 * bytes, until completions make room; the reader fetches nothing more meanwhile. What a shard holds beyond the bound
 * is thus at most one GetRecords page. Under fan-out a page is one SubscribeToShard event, asked for under the same
 * conditions; Kinesis does not size events by the room left (up to 10,000 records), so a shard holds at most one
 * event beyond the bound.
 * <p>
 * With {@code batch=true}, one request of the subscriber takes what is left of the page, up to the room under the
 * bound, as one {@link ReceivedBatch}: a page of plain records is one batch; its records are pending one by one.
 * <p>
 * Every method runs on the {@link ChannelContext}: requests and cancellations from other threads, SDK answers, timers
 * and acks hop onto it.
 */
final class ShardReader implements Flow.Subscription {

    /** What the reader tells its supervisor, on the channel context. */
    interface Listener {
        /** The shard is closed (no next iterator); its children, if Kinesis named them, may be registered now. */
        void shardClosed(ShardReader reader, List<ChildShard> children);

        /** Every record of the closed shard was emitted and the stream completed. */
        void emptied(ShardReader reader);

        /** The reader stopped on a failure it cannot get over. */
        void failed(ShardReader reader, Throwable failure);

        /** The reader stopped: its position no longer exists and the lost-position-strategy is fail. */
        void positionLost(ShardReader reader, String position, String detail);

        /** What health shows of the reader changed: a problem came or went, or it got its first iterator. */
        void statusChanged(ShardReader reader);
    }

    private final int maxPending;
    private final boolean batch;
    private final String shardId;
    private final ShardProgress progress;
    private final ChannelContext context;
    private final Listener listener;
    private final FetchedRecords buffer;
    private final ShardSource fetcher;
    /**
     * The least room worth a GetRecords call: a quarter of the pending bound (or a full call, if smaller). A slow
     * consumer then lets the reader fetch in chunks rather than one record per call, which would spend the shard's
     * 5 calls per second, shared with the other applications reading it, for nothing.
     */
    private final int minimumFetch;
    /** Asks for the next step in a new task of the context, when completions made room. */
    private final Runnable wakeUp;

    private Flow.Subscriber<? super Received> subscriber;
    private long requested;
    private long timerId = -1;
    private boolean closed;
    private boolean stopped;
    private boolean terminated;
    private boolean driving;
    private boolean driveAgain;

    /**
     * @param range the hash keys the shard owns, to check the user records of aggregated records; null if unknown
     */
    ShardReader(IncomingSettings settings, ShardSource.Factory sources, ShardProgress progress, HashRange range,
            IteratorStart start, ChannelContext context, Listener listener) {
        this.maxPending = settings.maxPendingRecords();
        this.batch = settings.batch();
        this.shardId = progress.shardId();
        this.progress = progress;
        ShardCursor cursor = new ShardCursor(start);
        this.buffer = new FetchedRecords(settings.channel(), shardId, range, settings.deaggregation(), cursor);
        this.context = context;
        this.listener = listener;
        this.fetcher = sources.create(shardId, cursor, buffer, () -> listener.statusChanged(this));
        this.fetcher.answerTo(new FetcherAnswers());
        this.minimumFetch = Math.min(settings.recordsPerCall(), Math.max(1, maxPending / 4));
        this.wakeUp = () -> context.submit(this::drive);
    }

    String shardId() {
        return shardId;
    }

    ShardProgress progress() {
        return progress;
    }

    /** The records of the shard; one subscriber. */
    Multi<Received> records() {
        return Multi.createFrom().publisher(subscriber -> {
            subscriber.onSubscribe(this);
            context.execute(() -> {
                if (this.subscriber != null) {
                    subscriber.onError(new IllegalStateException("Only one subscriber for shard " + shardId));
                    return;
                }
                this.subscriber = subscriber;
                drive();
            });
        });
    }

    @Override
    public void request(long n) {
        context.execute(() -> {
            if (n <= 0) {
                fail(new IllegalArgumentException("Invalid request: " + n));
                return;
            }
            requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
            drive();
        });
    }

    @Override
    public void cancel() {
        context.execute(() -> {
            terminated = true;
            subscriber = null;
            fetcher.stop();
            cancelTimer();
        });
    }

    /** Stops reading; completes the stream without emitting what is buffered. Used at shutdown or on a lost lease. */
    void stop() {
        context.execute(() -> {
            stopped = true;
            fetcher.stop();
            cancelTimer();
            drive();
        });
    }

    /** A description of the failures in a row, when reading is not going well; null otherwise. */
    String problem() {
        return fetcher.problem();
    }

    /** What the reader shows now, for tools. */
    ShardSnapshot snapshot() {
        String problem = fetcher.problem();
        String state = terminated || stopped ? "stopped"
                : closed ? "closed"
                        : problem != null ? "retrying" : fetcher.positioned() ? "reading" : "positioning";
        ShardPosition completed = progress.completedPosition();
        return new ShardSnapshot(progress.stream(), shardId, state, fetcher.lastFetched(),
                completed == null ? null : completed.toString(),
                fetcher.millisBehindLatest(), progress.fetchedCount(), fetcher.calls(), progress.pending(),
                problem);
    }

    /** Whether Kinesis answered the last call that the shard or its stream does not exist. */
    boolean missing() {
        return fetcher.missing();
    }

    /** Whether the reader got its first shard iterator: from then on, what is written to the shard will be read. */
    boolean positioned() {
        return fetcher.positioned();
    }

    /** Emits what is requested and buffered, then fetches more when allowed. Re-entrant calls loop instead. */
    private void drive() {
        if (driving) {
            driveAgain = true;
            return;
        }
        driving = true;
        try {
            do {
                driveAgain = false;
                step();
            } while (driveAgain);
        } finally {
            driving = false;
        }
    }

    private void step() {
        if (terminated || subscriber == null) {
            return;
        }
        int emittable = 0;
        while (requested > 0 && !stopped && !buffer.isEmpty()) {
            if (emittable == 0) {
                // completions only add room meanwhile: ask again once this much is used
                emittable = progress.roomFor(maxPending, 1, wakeUp);
                if (emittable == 0) {
                    return; // woken when a record completes
                }
            }
            requested--;
            if (batch) {
                subscriber.onNext(pollBatch(emittable));
                emittable = 0;
            } else {
                emittable--;
                subscriber.onNext(buffer.poll(context, progress));
            }
            if (terminated) {
                return;
            }
        }
        if (stopped || (closed && buffer.isEmpty())) {
            terminated = true;
            fetcher.stop();
            subscriber.onComplete();
            subscriber = null;
            if (!stopped) {
                listener.emptied(this);
            }
            return;
        }
        if (closed || fetcher.inFlight() || timerId != -1 || requested == 0 || !buffer.isEmpty()) {
            return;
        }
        int room = progress.roomFor(maxPending, minimumFetch, wakeUp);
        if (room == 0) {
            return; // woken when completions made room for a call worth making
        }
        long now = System.nanoTime();
        long delay = fetcher.delayNanos(now);
        if (delay > 0) {
            timerId = context.setTimer(TimeUnit.NANOSECONDS.toMillis(delay) + 1, () -> {
                timerId = -1;
                drive();
            });
            return;
        }
        fetcher.fetch(now, room);
    }

    /** The rest of the page, up to {@code room} records (at least one is left). */
    private ReceivedBatch pollBatch(int room) {
        List<ReceivedRecord> records = new ArrayList<>(Math.min(room, 64));
        do {
            records.add(buffer.poll(context, progress));
        } while (records.size() < room && !buffer.isEmpty());
        return new ReceivedBatch(records);
    }

    private void fail(Throwable failure) {
        terminate(failure, () -> listener.failed(this, failure));
    }

    private void terminate(Throwable failure, Runnable tellListener) {
        if (terminated) {
            return;
        }
        terminated = true;
        fetcher.stop();
        cancelTimer();
        Flow.Subscriber<? super Received> current = subscriber;
        subscriber = null;
        tellListener.run();
        if (current != null) {
            current.onError(failure);
        }
    }

    private void cancelTimer() {
        if (timerId != -1) {
            context.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /** The fetcher's answers, on the channel context. */
    private final class FetcherAnswers implements ShardSource.Answers {
        @Override
        public void answered() {
            drive();
        }

        @Override
        public void shardClosed(List<ChildShard> children) {
            closed = true;
            listener.shardClosed(ShardReader.this, children);
        }

        @Override
        public void failed(Throwable failure) {
            fail(failure);
        }

        @Override
        public void positionLost(String position, Throwable failure) {
            terminate(failure,
                    () -> listener.positionLost(ShardReader.this, position, AwsErrors.summary(failure)));
        }
    }
}
