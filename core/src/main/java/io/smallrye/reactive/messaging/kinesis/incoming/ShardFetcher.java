package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.client.StreamRef;
import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisIncomingLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The Kinesis calls that read one shard by polling, one at a time: GetShardIterator when there is no iterator, else GetRecords,
 * whose records go to the shard's {@link FetchedRecords}. The {@link ShardReader} decides when a call starts; this
 * class makes it and interprets the answer.
 * <p>
 * Expired iterators are replaced (after the last fetched record); throttling, transient failures and a shard or stream
 * not found (deleted and recreated, an emulator restarted) are retried without limit after a backoff
 * ({@link ReadPacer}), a new iterator being asked after the last fetched record when GetRecords answers not found. A
 * position that no longer exists (GetShardIterator after a sequence number answers that it is not found or invalid,
 * or the stream was found deleted while the reader stood there) follows the channel's {@link LostPositionStrategy}.
 * Failures retrying cannot fix end the reader. Failures are logged one line each, rate-limited ({@link ReaderTrouble}).
 * <p>
 * Channel context only: the SDK's answers hop onto it.
 */
final class ShardFetcher implements ShardSource {

    private final IncomingSettings settings;
    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String shardId;
    private final ChannelContext context;
    private final ShardCursor cursor;
    private final FetchedRecords buffer;
    private final KinesisMetrics metrics;
    private final ReadPacer pacer;
    private final ReaderTrouble trouble;
    private final Runnable statusChanged;
    private Answers answers;

    private String iterator;
    private boolean inFlight;
    private boolean stopped;
    private boolean positioned;
    /** The not-found answer that showed the stream deleted while the reader stood at a position; null otherwise. */
    private Throwable goneWith;
    /** GetRecords calls made, and the millisBehindLatest of the last answer (-1 before it): for snapshots. */
    private long getRecordsCalls;
    private long millisBehindLatest = -1;

    /** @param statusChanged runs when what health shows of the shard changed (a problem, the first iterator) */
    ShardFetcher(IncomingSettings settings, KinesisAsyncClient client, StreamRef stream, String shardId,
            ShardCursor cursor, FetchedRecords buffer, ChannelContext context, KinesisMetrics metrics,
            Runnable statusChanged) {
        this.settings = settings;
        this.client = client;
        this.stream = stream;
        this.shardId = shardId;
        this.cursor = cursor;
        this.buffer = buffer;
        this.context = context;
        this.metrics = metrics;
        this.statusChanged = statusChanged;
        this.pacer = new ReadPacer(settings.pollInterval(), settings.idlePollInterval(), settings.retryBackoff(),
                settings.maxRetryBackoff());
        this.trouble = new ReaderTrouble(settings.channel(), settings.stream(), shardId, statusChanged);
    }

    @Override
    public void answerTo(Answers answers) {
        this.answers = answers;
    }

    /** Whether a call is under way. */
    @Override
    public boolean inFlight() {
        return inFlight;
    }

    /** Nanoseconds to wait before the next call may start; 0 when it may start now. */
    @Override
    public long delayNanos(long now) {
        return pacer.delayNanos(now);
    }

    /** Whether the reader got its first shard iterator: from then on, what is written to the shard will be read. */
    @Override
    public boolean positioned() {
        return positioned;
    }

    /** A description of the failures in a row, when reading is not going well; null otherwise. */
    @Override
    public String problem() {
        return trouble.problem();
    }

    /** Whether Kinesis answered the last call that the shard or its stream does not exist. */
    @Override
    public boolean missing() {
        return trouble.missing();
    }

    @Override
    public long calls() {
        return getRecordsCalls;
    }

    /** The millisBehindLatest of the last GetRecords answer; -1 before the first one. */
    @Override
    public long millisBehindLatest() {
        return millisBehindLatest;
    }

    /** The position of the last record fetched; null before the first one. */
    @Override
    public String lastFetched() {
        return cursor.lastFetched();
    }

    /** No more calls; the answer of a call under way is dropped. */
    @Override
    public void stop() {
        stopped = true;
    }

    /** Starts the next call, for about {@code room} user records. */
    @Override
    public void fetch(long now, int room) {
        if (iterator == null) {
            requestIterator();
        } else {
            getRecords(now, Math.min(settings.recordsPerCall(), Math.max(1, room / buffer.userRecordsPerRecord())));
        }
    }

    private void requestIterator() {
        IteratorStart from = cursor.iteratorRequested();
        if (goneWith != null) {
            Throwable gone = goneWith;
            goneWith = null;
            if (from.after() != null) {
                onPositionLost(from, gone);
                if (stopped) {
                    return;
                }
                from = cursor.iteratorRequested();
            }
        }
        inFlight = true;
        IteratorStart start = from;
        client.getShardIterator(request -> {
            request.streamName(stream.name()).streamARN(stream.arn()).shardId(shardId);
            start.applyTo(request);
        }).whenComplete((response, failure) -> context.execute(() -> onIterator(start, response, failure)));
    }

    private void onIterator(IteratorStart from, GetShardIteratorResponse response, Throwable failure) {
        inFlight = false;
        if (stopped) {
            answers.answered();
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
            if (!positioned) {
                positioned = true;
                statusChanged.run();
            }
            KinesisIncomingLogging.log.shardIteratorObtained(settings.channel(), shardId, from.toString());
            if (iterator == null) {
                answers.shardClosed(List.of()); // nothing more to read at this position: the shard is closed
            }
        }
        answers.answered();
    }

    private void getRecords(long now, int limit) {
        inFlight = true;
        getRecordsCalls++;
        pacer.callStarted(now);
        String current = iterator;
        client.getRecords(request -> request.shardIterator(current).limit(limit).streamARN(stream.arn()))
                .whenComplete((response, failure) -> context.execute(() -> onPage(limit, response, failure)));
    }

    private void onPage(int limit, GetRecordsResponse response, Throwable failure) {
        inFlight = false;
        if (stopped) {
            answers.answered();
            return;
        }
        if (failure != null) {
            metrics.getRecordsAnswered(settings.channel(), settings.stream(), shardId, true);
            onFailure("GetRecords", failure);
            answers.answered();
            return;
        }
        long behind = response.millisBehindLatest() == null ? 0 : response.millisBehindLatest();
        millisBehindLatest = behind;
        countPage(response, behind);
        buffer.add(response.records(), behind);
        trouble.succeeded("GetRecords");
        iterator = response.nextShardIterator();
        pacer.pageReceived(System.nanoTime(), behind > 0 || response.records().size() >= limit,
                response.records().isEmpty());
        if (iterator == null) {
            answers.shardClosed(response.hasChildShards() ? response.childShards() : List.of());
        }
        answers.answered();
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
            case PERMANENT -> answers.failed(AwsErrors.unwrap(failure));
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
            answers.positionLost(position, failure);
            return;
        }
        // the checkpoint moves on from the new position once its first record completes
        cursor.reset(strategy == LostPositionStrategy.TRIM_HORIZON ? IteratorStart.trimHorizon()
                : IteratorStart.latest());
        trouble.succeeded("GetShardIterator");
    }
}
