package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.aggregation.HashRange;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads one shard as a demand-driven stream of records: plain records, and the user records of KPL aggregated records,
 * each on its own ({@link FetchedRecords}).
 * <p>
 * At most max-pending-records user records of the shard are pending (emitted, not completed): a record is emitted
 * only when there is room, otherwise it waits for completions. GetRecords is called only when the subscriber has
 * requested records and nothing fetched is left to emit, when a quarter of the bound is free, and when the
 * {@link ReadPacer} allows. GetRecords counts Kinesis records, not user records: the reader asks for the room left
 * divided by the user records per Kinesis record of the previous page (1 for plain records, and for the first page).
 * So with plain records, pending and fetched records together never exceed the bound; with aggregated records, a page
 * can hold more user records than the room left (about one aggregated record's worth when pages are alike; the first
 * page of an aggregated stream, or a page of larger aggregated records than the previous one, more). Those wait,
 * fetched but not pending, as views of the page's bytes, until completions make room; the reader fetches nothing
 * more meanwhile. What a shard holds beyond the bound is thus at most one GetRecords page.
 * <p>
 * Expired iterators are replaced (after the last fetched record); throttling, transient failures and a shard or stream
 * not found (deleted and recreated, an emulator restarted) are retried without limit after a backoff, a new iterator
 * being asked after the last fetched record when GetRecords answers not found. A position that no longer exists
 * (GetShardIterator after a sequence number answers that it is not found or invalid) follows the channel's
 * {@link LostPositionStrategy}. Failures retrying cannot fix end the reader with an error. Failures are logged one
 * line each, rate-limited ({@link ReaderTrouble}).
 * <p>
 * Every method runs on the {@link ChannelContext}: SDK answers, timers and acks hop onto it.
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
    }

    private final IncomingSettings settings;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String shardId;
    private final ShardProgress progress;
    private final ChannelContext context;
    private final Listener listener;
    private final ReadPacer pacer;
    private final ShardCursor cursor;
    private final FetchedRecords buffer;
    private final KinesisMetrics metrics;
    private final ReaderTrouble trouble;
    /**
     * The least room worth a GetRecords call: a quarter of the pending bound (or a full call, if smaller). A slow
     * consumer then lets the reader fetch in chunks rather than one record per call, which would spend the shard's
     * 5 calls per second, shared with the other applications reading it, for nothing.
     */
    private final int minimumFetch;

    private Flow.Subscriber<? super ReceivedRecord> subscriber;
    private String iterator;
    private long requested;
    private boolean fetching;
    private long timerId = -1;
    private boolean closed;
    private boolean stopped;
    private boolean terminated;
    private boolean driving;
    private boolean driveAgain;
    /** The not-found answer that showed the stream deleted while the reader stood at a position; null otherwise. */
    private Throwable goneWith;
    private volatile boolean positioned;

    /**
     * @param range the hash keys the shard owns, to check the user records of aggregated records; null if unknown
     */
    ShardReader(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, ShardProgress progress,
            HashRange range, IteratorStart start, ChannelContext context, Listener listener, KinesisMetrics metrics) {
        this.settings = settings;
        this.client = client;
        this.stream = stream;
        this.shardId = progress.shardId();
        this.progress = progress;
        this.cursor = new ShardCursor(start);
        this.buffer = new FetchedRecords(settings.channel(), shardId, range, settings.deaggregation(), cursor);
        this.context = context;
        this.listener = listener;
        this.metrics = metrics;
        this.pacer = new ReadPacer(settings.pollInterval(), settings.idlePollInterval(), settings.retryBackoff(),
                settings.maxRetryBackoff());
        this.trouble = new ReaderTrouble(settings.channel(), settings.stream(), shardId);
        this.minimumFetch = Math.min(settings.recordsPerCall(), Math.max(1, settings.maxPendingRecords() / 4));
    }

    String shardId() {
        return shardId;
    }

    ShardProgress progress() {
        return progress;
    }

    /** The records of the shard; one subscriber. */
    Multi<ReceivedRecord> records() {
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
            cancelTimer();
        });
    }

    /** Stops reading; completes the stream without emitting what is buffered. Used at shutdown or on a lost lease. */
    void stop() {
        context.execute(() -> {
            stopped = true;
            cancelTimer();
            drive();
        });
    }

    /** A description of the failures in a row, when reading is not going well; null otherwise. */
    String problem() {
        return trouble.problem();
    }

    /** Whether Kinesis answered the last call that the shard or its stream does not exist. */
    boolean missing() {
        return trouble.missing();
    }

    /** Whether the reader got its first shard iterator: from then on, what is written to the shard will be read. */
    boolean positioned() {
        return positioned;
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
                emittable = progress.roomFor(settings.maxPendingRecords(), 1, () -> context.submit(this::drive));
                if (emittable == 0) {
                    return; // woken when a record completes
                }
            }
            emittable--;
            requested--;
            subscriber.onNext(buffer.poll(progress));
            if (terminated) {
                return;
            }
        }
        if (stopped || (closed && buffer.isEmpty())) {
            terminated = true;
            subscriber.onComplete();
            subscriber = null;
            if (!stopped) {
                listener.emptied(this);
            }
            return;
        }
        if (closed || fetching || timerId != -1 || requested == 0 || !buffer.isEmpty()) {
            return;
        }
        int room = progress.roomFor(settings.maxPendingRecords(), minimumFetch, () -> context.submit(this::drive));
        if (room == 0) {
            return;
        }
        long now = System.nanoTime();
        long delay = pacer.delayNanos(now);
        if (delay > 0) {
            timerId = context.setTimer(TimeUnit.NANOSECONDS.toMillis(delay) + 1, () -> {
                timerId = -1;
                drive();
            });
            return;
        }
        if (iterator == null) {
            requestIterator();
        } else {
            fetch(now, Math.min(settings.recordsPerCall(), Math.max(1, room / buffer.userRecordsPerRecord())));
        }
    }

    private void requestIterator() {
        IteratorStart from = cursor.iteratorRequested();
        if (goneWith != null) {
            Throwable gone = goneWith;
            goneWith = null;
            if (from.after() != null) {
                onPositionLost(from, gone);
                if (terminated) {
                    return;
                }
                from = cursor.iteratorRequested();
            }
        }
        fetching = true;
        IteratorStart start = from;
        client.getShardIterator(request -> {
            request.streamName(stream.name()).streamARN(stream.arn()).shardId(shardId);
            start.applyTo(request);
        }).whenComplete((response, failure) -> context.execute(() -> onIterator(start, response, failure)));
    }

    private void onIterator(IteratorStart from, GetShardIteratorResponse response, Throwable failure) {
        fetching = false;
        if (terminated || stopped) {
            drive();
            return;
        }
        if (failure != null) {
            if (from.after() != null && ReaderTrouble.positionLost(failure)) {
                onPositionLost(from, failure);
            } else {
                onFailure("GetShardIterator", failure);
            }
        } else {
            trouble.succeeded("GetShardIterator");
            iterator = response.shardIterator();
            positioned = true;
            KinesisIncomingLogging.log.shardIteratorObtained(settings.channel(), shardId, from.toString());
            if (iterator == null) {
                closed = true; // nothing more to read at this position: the shard is closed
                listener.shardClosed(this, List.of());
            }
        }
        drive();
    }

    private void fetch(long now, int limit) {
        fetching = true;
        pacer.callStarted(now);
        String current = iterator;
        client.getRecords(request -> request.shardIterator(current).limit(limit).streamARN(stream.arn()))
                .whenComplete((response, failure) -> context.execute(() -> onPage(limit, response, failure)));
    }

    private void onPage(int limit, GetRecordsResponse response, Throwable failure) {
        fetching = false;
        if (terminated || stopped) {
            drive();
            return;
        }
        if (failure != null) {
            metrics.getRecordsAnswered(settings.channel(), settings.stream(), shardId, true);
            onFailure("GetRecords", failure);
            drive();
            return;
        }
        long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
        countPage(response, behind);
        buffer.add(response.records(), behind);
        trouble.succeeded("GetRecords");
        iterator = response.nextShardIterator();
        pacer.pageReceived(System.nanoTime(), behind > 0 || response.records().size() >= limit,
                response.records().isEmpty());
        if (iterator == null) {
            closed = true;
            listener.shardClosed(this, response.hasChildShards() ? response.childShards() : List.of());
        }
        drive();
    }

    private void countPage(GetRecordsResponse response, long behind) {
        metrics.getRecordsAnswered(settings.channel(), settings.stream(), shardId, false);
        List<Record> records = response.records();
        if (!records.isEmpty()) {
            long bytes = 0;
            for (Record record : records) {
                bytes += record.data().asByteBuffer().remaining();
            }
            metrics.recordsReceived(settings.channel(), settings.stream(), records.size(), bytes);
        }
        metrics.millisBehindLatest(settings.channel(), settings.stream(), shardId, behind);
    }

    private void onFailure(String operation, Throwable failure) {
        FailureKind kind = AwsErrors.classify(failure);
        switch (kind) {
            case EXPIRED_ITERATOR -> {
                iterator = null;
                KinesisIncomingLogging.log.iteratorExpired(settings.channel(), shardId, cursor.expired().toString());
            }
            case THROTTLED -> {
                long wait = pacer.failed(System.nanoTime());
                trouble.throttled(operation, failure, pacer.failuresInARow(), TimeUnit.NANOSECONDS.toMillis(wait));
            }
            case TRANSIENT, NOT_FOUND -> {
                long wait = pacer.failed(System.nanoTime());
                if (kind == FailureKind.NOT_FOUND) {
                    // the stream (or shard) was deleted: its records are gone, and a recreated stream's sequence
                    // numbers have nothing to do with the old ones (Kinesis refuses them; an emulator may place an
                    // iterator somewhere in the new shard). The position is lost: lost-position-strategy decides.
                    iterator = null;
                    cursor.expired();
                    goneWith = failure;
                }
                trouble.failed(operation, failure, kind, pacer.failuresInARow(), TimeUnit.NANOSECONDS.toMillis(wait));
            }
            case PERMANENT -> fail(AwsErrors.unwrap(failure));
        }
    }

    /**
     * The position is gone: {@code from} was refused as not found or invalid, or the stream was not found while the
     * reader stood there. Logs it once and moves the cursor as lost-position-strategy says, or ends the reader.
     */
    private void onPositionLost(IteratorStart from, Throwable failure) {
        LostPositionStrategy strategy = settings.lostPositionStrategy();
        String position = from.after().toString();
        trouble.positionLost(position, failure, strategy);
        if (strategy == LostPositionStrategy.FAIL) {
            terminate(failure, () -> listener.positionLost(this, position, AwsErrors.summary(failure)));
            return;
        }
        // the checkpoint moves on from the new position once its first record completes
        cursor.reset(strategy == LostPositionStrategy.TRIM_HORIZON ? IteratorStart.trimHorizon()
                : IteratorStart.latest());
        trouble.succeeded("GetShardIterator");
    }

    private void fail(Throwable failure) {
        terminate(failure, () -> listener.failed(this, failure));
    }

    private void terminate(Throwable failure, Runnable tellListener) {
        if (terminated) {
            return;
        }
        terminated = true;
        cancelTimer();
        Flow.Subscriber<? super ReceivedRecord> current = subscriber;
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
}
