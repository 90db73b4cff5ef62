package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kinesis.checkpoint.ShardPosition;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads one shard as a demand-driven stream of records. GetRecords is called only when the subscriber has requested
 * records that are not buffered yet, when fewer than max-pending-records of the shard are pending (fetched, not
 * completed), and when the {@link ReadPacer} allows; it asks for no more records than the room left, so the records of
 * a shard held in memory never exceed the bound. Expired iterators are replaced (after the last fetched record),
 * throttling and transient failures are retried after a backoff; other failures end the reader with an error.
 * <p>
 * Every method runs on the {@link ChannelContext}: SDK answers, timers and acks hop onto it.
 */
final class ShardReader implements Flow.Subscription {

    static final int PROBLEM_THRESHOLD = 3;

    /** What the reader tells its supervisor, on the channel context. */
    interface Listener {
        /** The shard is closed (no next iterator); its children, if Kinesis named them, may be registered now. */
        void shardClosed(ShardReader reader, List<ChildShard> children);

        /** Every record of the closed shard was emitted and the stream completed. */
        void emptied(ShardReader reader);

        /** The reader stopped on a failure it cannot get over. */
        void failed(ShardReader reader, Throwable failure);
    }

    private final IncomingSettings settings;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String shardId;
    private final ShardProgress progress;
    private final ChannelContext context;
    private final Listener listener;
    private final ReadPacer pacer;
    private final ArrayDeque<ReceivedRecord> buffer = new ArrayDeque<>();
    private final ShardCursor cursor;
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
    private volatile String problem;
    private volatile boolean positioned;

    ShardReader(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, ShardProgress progress,
            IteratorStart start, ChannelContext context, Listener listener) {
        this.settings = settings;
        this.client = client;
        this.stream = stream;
        this.shardId = progress.shardId();
        this.progress = progress;
        this.cursor = new ShardCursor(start);
        this.context = context;
        this.listener = listener;
        this.pacer = new ReadPacer(settings.pollInterval(), settings.retryBackoff(), settings.maxRetryBackoff());
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
        return problem;
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
        while (requested > 0 && !buffer.isEmpty() && !stopped) {
            requested--;
            subscriber.onNext(buffer.pollFirst());
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
            fetch(now, Math.min(settings.recordsPerCall(), room));
        }
    }

    private void requestIterator() {
        fetching = true;
        IteratorStart from = cursor.iteratorRequested();
        client.getShardIterator(request -> {
            request.streamName(stream.name()).streamARN(stream.arn()).shardId(shardId);
            from.applyTo(request);
        }).whenComplete((response, failure) -> context.execute(() -> onIterator(from, response, failure)));
    }

    private void onIterator(IteratorStart from, GetShardIteratorResponse response, Throwable failure) {
        fetching = false;
        if (terminated || stopped) {
            drive();
            return;
        }
        if (failure != null) {
            onFailure("GetShardIterator", failure);
        } else {
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
            onFailure("GetRecords", failure);
            drive();
            return;
        }
        long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
        for (Record record : response.records()) {
            ShardPosition position = ShardPosition.of(record.sequenceNumber());
            if (cursor.fetched(position)) {
                buffer.addLast(new ReceivedRecord(progress, progress.fetched(position), record, behind));
            }
        }
        problem = null;
        iterator = response.nextShardIterator();
        pacer.pageReceived(System.nanoTime(), behind > 0 || response.records().size() >= limit);
        if (iterator == null) {
            closed = true;
            listener.shardClosed(this, response.hasChildShards() ? response.childShards() : List.of());
        }
        drive();
    }

    private void onFailure(String operation, Throwable failure) {
        switch (ReadFailures.classify(failure)) {
            case EXPIRED_ITERATOR -> {
                iterator = null;
                KinesisIncomingLogging.log.iteratorExpired(settings.channel(), shardId, cursor.expired().toString());
            }
            case THROTTLED -> {
                long wait = pacer.failed(System.nanoTime());
                noteProblem(operation, failure);
                KinesisIncomingLogging.log.readThrottled(settings.channel(), shardId, operation,
                        ReadFailures.errorCode(failure), TimeUnit.NANOSECONDS.toMillis(wait));
            }
            case TRANSIENT -> {
                long wait = pacer.failed(System.nanoTime());
                noteProblem(operation, failure);
                KinesisIncomingLogging.log.readFailedRetrying(settings.channel(), shardId, operation,
                        pacer.failuresInARow(), TimeUnit.NANOSECONDS.toMillis(wait), ReadFailures.unwrap(failure));
            }
            case FATAL -> fail(ReadFailures.unwrap(failure));
        }
    }

    /** After {@link #PROBLEM_THRESHOLD} failures in a row, health hears of them (a throttled call now and then is normal). */
    private void noteProblem(String operation, Throwable failure) {
        if (pacer.failuresInARow() < PROBLEM_THRESHOLD) {
            return;
        }
        problem = operation + " on shard " + shardId + " failed " + pacer.failuresInARow() + " time(s) in a row: "
                + ReadFailures.errorCode(failure) + ": " + ReadFailures.errorMessage(failure);
    }

    private void fail(Throwable failure) {
        if (terminated) {
            return;
        }
        terminated = true;
        cancelTimer();
        Flow.Subscriber<? super ReceivedRecord> current = subscriber;
        subscriber = null;
        listener.failed(this, failure);
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
