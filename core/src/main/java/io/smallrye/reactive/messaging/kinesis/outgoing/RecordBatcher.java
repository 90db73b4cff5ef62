package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.KinesisWriteException;
import io.smallrye.reactive.messaging.kinesis.client.AwsErrors;
import io.smallrye.reactive.messaging.kinesis.client.FailureKind;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Groups accepted records into PutRecords requests and sees each record through to an ack or a nack.
 * <p>
 * A request is sent when the waiting records fill one (max-batch-records / max-batch-bytes), when the oldest has
 * waited buffer-time, or at once while flushing; at most max-in-flight requests are under way. Refused entries are
 * retried alone after a backoff, in their emission place (see {@link PendingRecords}). All bookkeeping happens under
 * one lock; requests are sent and messages completed outside it, on the scheduler thread or the SDK's completion
 * threads, never blocking.
 */
final class RecordBatcher {

    private final OutgoingSettings settings;
    private final KinesisAsyncClient client;
    private final String region;
    private final ScheduledExecutorService scheduler;
    private final Runnable onRelease;
    private final PendingRecords waiting;
    private final long bufferTimeNanos;
    private final ShardMaps shardMaps;

    private final Set<List<RequestEntry>> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private int heldRecords;
    private long heldBytes;
    private boolean flushing;
    private CompletableFuture<Void> emptied;
    /** Answers whose messages are being acked or nacked, outside the lock. */
    private int completing;
    private ScheduledFuture<?> timer;
    private long timerAtNanos;
    private volatile String streamProblem;
    private final KinesisMetrics metrics;
    private final SendFailures failures;
    private final SendRate rate;
    /** At shutdown: no request is started that would not be answered before it (0: none). */
    private long sendDeadlineNanos;
    private long ackedTotal;
    private long nackedTotal;

    RecordBatcher(OutgoingSettings settings, KinesisAsyncClient client, String region, ScheduledExecutorService scheduler,
            Runnable onRelease, KinesisMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.client = client;
        this.region = region;
        this.scheduler = scheduler;
        this.onRelease = onRelease;
        this.waiting = new PendingRecords(settings.ordering(),
                settings.aggregation() ? Integer.MAX_VALUE : settings.maxBatchRecords(), settings.maxBatchBytes());
        this.shardMaps = settings.aggregation() ? new ShardMaps(client, settings.channel()) : null;
        this.bufferTimeNanos = settings.bufferTime().toNanos();
        this.failures = new SendFailures(settings.channel());
        this.rate = new SendRate(settings, System::nanoTime);
    }

    void add(PendingRecord record) {
        boolean drainNow;
        synchronized (this) {
            if (heldRecords == 0) {
                rate.idle();
            }
            waiting.add(record);
            heldRecords++;
            heldBytes += record.size;
            drainNow = flushing || waiting.fillsABatch();
            if (!drainNow) {
                armTimer(waiting.oldestEnqueuedAtNanos() + bufferTimeNanos, System.nanoTime());
            }
        }
        if (drainNow) {
            scheduleDrain();
        }
        if (shardMaps != null && shardMaps.firstSight(record.stream)) {
            // load the stream's shard map while its first records wait, so that the first request is aggregated
            // too; on the scheduler thread, like every call to Kinesis
            String stream = record.stream;
            scheduler.execute(() -> loadShardMap(stream));
        }
    }

    private synchronized void loadShardMap(String stream) {
        shardMaps.current(stream);
    }

    synchronized int heldRecords() {
        return heldRecords;
    }

    synchronized long heldBytes() {
        return heldBytes;
    }

    /** The most records the channel should hold now, from its measured send rate (see {@link SendRate}). */
    synchronized int recordBound() {
        return rate.recordBound();
    }

    /** The most bytes the channel should hold now, from its measured send rate. */
    synchronized long byteBound() {
        return rate.byteBound();
    }

    /** Records the measured rate sends in that time (at least one full request). */
    synchronized long recordsSendableIn(long nanos) {
        return rate.recordsSendableIn(nanos);
    }

    synchronized int inFlightRecords() {
        int records = 0;
        for (List<RequestEntry> batch : inFlight) {
            for (RequestEntry entry : batch) {
                records += entry.records().size();
            }
        }
        return records;
    }

    /** Messages acked and nacked by answers so far. */
    synchronized long[] answeredTotals() {
        return new long[] { ackedTotal, nackedTotal };
    }

    /** Why the stream cannot be written to, as last seen, or {@code null} while writes succeed. */
    String streamProblem() {
        return streamProblem;
    }

    /**
     * Sends everything waiting without waiting for buffer-time, from now on.
     *
     * @return completed when no record is waiting or in flight any more, and every message was acked or nacked
     */
    CompletableFuture<Void> flush() {
        return flush(0);
    }

    /**
     * As {@link #flush()}, and from now on no request is started unless its answer is expected before
     * {@code deadlineNanos} (at the request latency measured): a record not sent then is known not to be stored, one
     * in a request without an answer is not.
     */
    CompletableFuture<Void> flush(long deadlineNanos) {
        CompletableFuture<Void> done;
        synchronized (this) {
            flushing = true;
            if (deadlineNanos != 0) {
                sendDeadlineNanos = deadlineNanos;
            }
            if (heldRecords == 0 && completing == 0) {
                return CompletableFuture.completedFuture(null);
            }
            if (emptied == null || emptied.isDone()) {
                emptied = new CompletableFuture<>();
            }
            done = emptied;
        }
        scheduleDrain();
        return done;
    }

    /**
     * Gives up on every record still waiting or in flight: each message is nacked, those never sent with
     * {@code notSent}, those whose request got no answer in time with {@code unanswered} (they may have been stored).
     *
     * @return how many messages were nacked
     */
    int abandon(Supplier<Throwable> notSent, Supplier<Throwable> unanswered) {
        List<PendingRecord> waitingRecords;
        List<PendingRecord> inFlightRecords = new ArrayList<>();
        synchronized (this) {
            waitingRecords = waiting.drainAll();
            inFlight.forEach(batch -> batch.forEach(entry -> inFlightRecords.addAll(entry.records())));
            inFlight.clear();
            waitingRecords.removeIf(record -> record.completed);
            inFlightRecords.removeIf(record -> record.completed);
            waitingRecords.forEach(this::release);
            inFlightRecords.forEach(this::release);
            if (timer != null) {
                timer.cancel(false);
            }
        }
        waitingRecords.forEach(record -> MessageCompletion.nack(record.message, notSent.get()));
        inFlightRecords.forEach(record -> MessageCompletion.nack(record.message, unanswered.get()));
        return waitingRecords.size() + inFlightRecords.size();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            scheduler.execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        List<List<RequestEntry>> batches = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            if (timer != null && timerAtNanos - now <= 0) {
                // spent: it is running this drain (so it is not done yet), or will run one that finds nothing
                // more to do; either way a later deadline needs a new timer
                timer = null;
            }
            while (inFlight.size() < settings.maxInFlight() && !waiting.isEmpty()
                    && rate.answerExpectedBefore(sendDeadlineNanos, now)) {
                boolean due = flushing || waiting.fillsABatch()
                        || now - (waiting.oldestEnqueuedAtNanos() + bufferTimeNanos) >= 0
                        || waiting.retryDue(now);
                if (!due) {
                    break;
                }
                List<RequestEntry> batch = waiting.nextBatch(now, this::packerFor);
                if (batch.isEmpty()) {
                    break; // the rest waits for requests in flight or for a retry backoff
                }
                inFlight.add(batch);
                batches.add(batch);
            }
            rearmTimer(now);
        }
        batches.forEach(this::send);
    }

    private BatchPacker packerFor(String stream) {
        if (shardMaps == null) {
            return new PlainPacker(settings.maxBatchRecords(), settings.maxBatchBytes(), settings.ordering());
        }
        return new AggregatingPacker(settings.maxBatchRecords(), settings.maxBatchBytes(),
                settings.aggregationMaxBytes(), settings.ordering(), shardMaps.current(stream));
    }

    /**
     * Wakes up for the next deadline still ahead: the oldest record's buffer-time or the end of a retry backoff.
     * Deadlines already passed need no timer: what is due but could not be sent now waits for a request in flight
     * (max-in-flight reached, or its partition key in flight), whose completion drains again.
     */
    private void rearmTimer(long now) {
        if (waiting.isEmpty()) {
            return;
        }
        long next = waiting.oldestEnqueuedAtNanos() + bufferTimeNanos;
        boolean hasNext = next - now > 0;
        OptionalLong retryAt = waiting.nextRetryAtNanos(now);
        if (retryAt.isPresent() && (!hasNext || retryAt.getAsLong() - next < 0)) {
            next = retryAt.getAsLong();
            hasNext = true;
        }
        if (hasNext) {
            armTimer(next, now);
        }
    }

    private void armTimer(long atNanos, long now) {
        if (timer != null && !timer.isDone() && timerAtNanos - atNanos <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAtNanos = atNanos;
        timer = scheduler.schedule(this::drain, Math.max(0, atNanos - now), TimeUnit.NANOSECONDS);
    }

    private void send(List<RequestEntry> batch) {
        String stream = batch.get(0).records().get(0).stream;
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
        for (RequestEntry entry : batch) {
            entries.add(entry.entry());
        }
        PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries);
        if (stream.startsWith("arn:")) {
            request.streamARN(stream);
        } else {
            request.streamName(stream);
        }
        CompletableFuture<PutRecordsResponse> response;
        long sentAt = System.nanoTime();
        try {
            response = client.putRecords(request.build());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((result, failure) -> onResponse(batch, result, failure, sentAt));
    }

    private void onResponse(List<RequestEntry> batch, PutRecordsResponse response, Throwable failure, long sentAt) {
        Outcome outcome = new Outcome();
        String stream = batch.get(0).records().get(0).stream;
        synchronized (this) {
            if (!inFlight.remove(batch)) {
                return; // abandoned at shutdown: already nacked
            }
            long now = System.nanoTime();
            // one draw per answer: records refused together wait the same backoff (per attempt count) and go back
            // together in one request, instead of each drawing its own delay and leaving in a request of its own
            double jitter = ThreadLocalRandom.current().nextDouble();
            Throwable cause = failure == null ? null : AwsErrors.unwrap(failure);
            FailureKind requestKind = cause == null ? null : AwsErrors.classify(cause);
            String notFound = null;
            if (cause != null) {
                failures.requestFailed(stream, batch.size(), cause, requestKind);
                if (requestKind == FailureKind.NOT_FOUND) {
                    notFound = AwsErrors.errorMessage(cause);
                }
            } else {
                failures.succeeded(stream);
            }
            for (int i = 0; i < batch.size(); i++) {
                RequestEntry entry = batch.get(i);
                PutRecordsResultEntry result = cause == null ? response.records().get(i) : null;
                boolean stored = result != null && result.errorCode() == null;
                if (stored && entry.predictedShard() != null && !entry.predictedShard().equals(result.shardId())) {
                    shardMaps.invalidate(stream); // the stream was resharded
                }
                List<PendingRecord> records = entry.records();
                for (int sub = 0; sub < records.size(); sub++) {
                    PendingRecord record = records.get(sub);
                    waiting.landed(record);
                    if (stored) {
                        release(record);
                        outcome.succeeded(record, result, entry.aggregated() ? sub : 0);
                    } else if (cause != null) {
                        onRefused(record, cause, AwsErrors.errorCode(cause), AwsErrors.errorMessage(cause),
                                requestKind, now, jitter, outcome);
                    } else {
                        FailureKind kind = AwsErrors.classifyEntry(result.errorCode());
                        if (kind == FailureKind.NOT_FOUND) {
                            notFound = result.errorMessage();
                        }
                        onRefused(record, null, result.errorCode(), result.errorMessage(), kind, now, jitter,
                                outcome);
                    }
                }
            }
            if (notFound != null) {
                streamProblem = KinesisExceptions.ex.streamNotFound(stream, region, notFound).getMessage()
                        + "; retrying up to max-retries (" + settings.maxRetries() + ") times per record";
            } else if (cause == null) {
                streamProblem = null;
            }
            ackedTotal += outcome.succeededCount();
            nackedTotal += outcome.failedCount();
            rate.answered(outcome.succeededCount(), outcome.succeededBytes(), heldRecords);
            if (outcome.retried > 0 && cause == null) {
                KinesisLogging.log.retryingFailedEntries(settings.channel(), outcome.retried, stream,
                        outcome.firstRetryCode);
            }
            completing++;
            rate.latency(System.nanoTime() - sentAt);
            outcome.report(metrics, settings.channel(), stream, batch.size(), System.nanoTime() - sentAt,
                    cause != null);
        }
        CompletableFuture<Void> nowEmpty;
        try {
            outcome.complete(failures);
        } finally {
            // the flush is over when the last answer has acked and nacked its messages, not merely when it released
            // them: another answer may still be completing its own
            synchronized (this) {
                completing--;
                nowEmpty = flushing && heldRecords == 0 && completing == 0 ? emptied : null;
            }
        }
        if (nowEmpty != null) {
            nowEmpty.complete(null);
        }
        onRelease.run();
        scheduleDrain();
    }

    /**
     * A record was refused (alone or with its whole request): sent again after a backoff while its failure kind is
     * retryable and max-retries allows, otherwise released and nacked with the AWS code and message. A PERMANENT
     * refusal is nacked after its first attempt, and its key's later records are no longer held back by it.
     */
    private void onRefused(PendingRecord record, Throwable cause, String code, String message, FailureKind kind,
            long now, double jitter, Outcome outcome) {
        if (kind == FailureKind.THROTTLED) {
            outcome.throttled++;
        }
        if (SendFailures.retried(kind) && record.attempts < settings.maxRetries()) {
            record.attempts++;
            record.notBeforeNanos = now + backoffNanos(record.attempts, jitter);
            waiting.add(record);
            outcome.retried(code);
            return;
        }
        release(record);
        int attempts = record.attempts + 1;
        String text = kind == FailureKind.NOT_FOUND
                ? KinesisExceptions.ex.streamNotFoundAfterRetries(record.stream, region, attempts, settings.channel(),
                        message)
                : KinesisExceptions.ex.recordFailed(record.stream, attempts, code, message);
        outcome.failed(record, new KinesisWriteException(text, code, attempts, cause), code);
    }

    private void release(PendingRecord record) {
        record.completed = true;
        heldRecords--;
        heldBytes -= record.size;
    }

    /**
     * Exponential backoff with jitter: between half and all of retry-backoff * 2^(attempt-1), capped; {@code jitter}
     * (from 0 to 1) picks the point in that range.
     */
    private long backoffNanos(int attempt, double jitter) {
        long base = settings.retryBackoff().toNanos();
        long max = settings.maxRetryBackoff().toNanos();
        long delay = base;
        for (int i = 1; i < attempt && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        return delay / 2 + (long) (jitter * (delay / 2));
    }
}
