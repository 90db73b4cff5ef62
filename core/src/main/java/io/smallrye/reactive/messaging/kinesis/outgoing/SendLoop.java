package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sees each accepted record of an outgoing channel through to an ack or a nack, on the channel's context only: no
 * lock, one task at a time.
 * <p>
 * A request is sent when the waiting records fill one (max-batch-records / max-batch-bytes), when the oldest has
 * waited buffer-time or a refused record's backoff is over ({@link BatchTimer}), when records that were due but had to
 * wait for an earlier record of their partition key may go (its answer came back), when aggregating and the channel
 * holds all its bound lets it hold, or at once while flushing; at most max-in-flight requests are under way
 * ({@link PutRecordsSender}). When aggregating, a request carries full aggregated records only, and partial ones whose
 * oldest record waited buffer-time; all of them while flushing, or when the channel holds its bound, nothing is in
 * flight and nothing else could go (no answer would make room for the records that fill them). Each answer comes
 * back as a context task of its own, is settled by the {@link AnswerHandler} (refused entries wait again in their
 * emission place, see {@link PendingRecords}), and its messages are acked or nacked in that task.
 */
final class SendLoop {

    private final OutgoingSettings settings;
    private final PendingRecords waiting;
    private final ShardMaps shardMaps;
    private final SendRate rate;
    private final BatchTimer timer;
    private final PutRecordsSender sender;
    private final AnswerHandler answers;
    private final SendFailures failures;
    private final KinesisMetrics metrics;
    private final RecordInbox inbox;
    private final Runnable onRelease;

    private final Set<List<RequestEntry>> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<CompletableFuture<Void>> emptied = new ArrayList<>();
    private int heldRecords;
    private long heldBytes;
    private boolean flushing;
    /** At shutdown: no request is started that would not be answered before it (0: none). */
    private long sendDeadlineNanos;
    private long ackedTotal;
    private long nackedTotal;

    /**
     * @param inbox where records accepted on other threads wait: every task of the loop takes them first
     * @param onRelease run after each answer (messages released: room for more)
     */
    SendLoop(OutgoingSettings settings, KinesisAsyncClient client, String region, ChannelContext context,
            RecordInbox inbox, Runnable onRelease, KinesisMetrics metrics) {
        this.settings = settings;
        this.inbox = inbox;
        this.onRelease = onRelease;
        this.metrics = metrics;
        this.waiting = new PendingRecords(settings.ordering(),
                settings.aggregation() ? Integer.MAX_VALUE : settings.maxBatchRecords(), settings.maxBatchBytes());
        this.shardMaps = settings.aggregation() ? new ShardMaps(client, settings.channel(), context, this::wake)
                : null;
        this.rate = new SendRate(settings, System::nanoTime);
        this.failures = new SendFailures(settings.channel());
        this.timer = new BatchTimer(context, settings.bufferTime().toNanos(), this::wake);
        this.sender = new PutRecordsSender(client, context, this::answered);
        this.answers = new AnswerHandler(settings, region, waiting, shardMaps, failures, this::release);
    }

    /** Takes an accepted record; the caller runs {@link #drain()} once it took what arrived. */
    void add(PendingRecord record) {
        if (heldRecords == 0) {
            rate.idle();
        }
        waiting.add(record);
        heldRecords++;
        heldBytes += record.size;
        if (shardMaps != null && shardMaps.firstSight(record.stream)) {
            // load the stream's shard map while its first records wait, so that the first request is aggregated too
            shardMaps.current(record.stream);
        }
    }

    /** A timer fired: take what arrived, then send what is due. */
    private void wake() {
        inbox.takeAll();
        drain();
    }

    /** Sends what is due, within max-in-flight; then arms the timer for what is not due yet. */
    void drain() {
        long now = System.nanoTime();
        while (inFlight.size() < settings.maxInFlight() && !waiting.isEmpty()
                && rate.answerExpectedBefore(sendDeadlineNanos, now)) {
            // aggregating, a request is not filled by records (500 records are a tenth of a container's bytes)
            boolean full = shardMaps != null && (heldRecords >= rate.recordBound() || heldBytes >= rate.byteBound());
            boolean due = flushing || full || waiting.fillsABatch() || now - timer.bufferTimeDueAt(waiting) >= 0
                    || waiting.retryDue(now) || waiting.heldRecordsDue();
            if (!due) {
                break;
            }
            List<RequestEntry> batch = waiting.nextBatch(now, stream -> packerFor(stream, now, flushing));
            if (batch.isEmpty() && full && inFlight.isEmpty() && !shardMaps.firstMapLoading()) {
                // only partial aggregated records wait, and no answer will make room for what would fill them
                // (while a first shard map loads, they wait for it: they would leave nearly unaggregated)
                batch = waiting.nextBatch(now, stream -> packerFor(stream, now, true));
            }
            if (batch.isEmpty()) {
                break; // the rest waits for requests in flight or for a retry backoff
            }
            inFlight.add(batch);
            sender.send(batch); // its answer is a later task of the context: this loop is not re-entered
        }
        timer.rearm(waiting, now);
        wakeForArrivals();
    }

    /**
     * When records arriving on other threads need the context at once: at the first one while nothing waits (it
     * starts the buffer-time timer) or while flushing; once they fill what the next request lacks; never while
     * max-in-flight requests are under way (their answers take them).
     */
    private void wakeForArrivals() {
        if (flushing || waiting.isEmpty()) {
            inbox.wakeForSending(1, 1);
        } else if (inFlight.size() >= settings.maxInFlight()) {
            inbox.wakeForSending(Integer.MAX_VALUE, Long.MAX_VALUE);
        } else {
            inbox.wakeForSending(Math.max(1, waiting.recordsToFill()), Math.max(1, waiting.bytesToFill()));
        }
    }

    /**
     * @param partialsLeave whether every partial aggregated record leaves, not only those whose oldest record waited
     *        buffer-time
     */
    private BatchPacker packerFor(String stream, long now, boolean partialsLeave) {
        if (shardMaps == null) {
            return new PlainPacker(settings.maxBatchRecords(), settings.maxBatchBytes(), settings.ordering());
        }
        long bufferTimeNanos = settings.bufferTime().toNanos();
        return new AggregatingPacker(settings.maxBatchRecords(), settings.maxBatchBytes(),
                settings.aggregationMaxBytes(), settings.ordering(), shardMaps.current(stream),
                oldest -> partialsLeave || now - oldest - bufferTimeNanos >= 0);
    }

    private void answered(List<RequestEntry> batch, PutRecordsResponse response, Throwable failure, long sentAt) {
        if (!inFlight.remove(batch)) {
            return; // abandoned at shutdown: already nacked
        }
        long now = System.nanoTime();
        Outcome outcome = answers.settle(batch, response, failure, now);
        String stream = batch.get(0).records().get(0).stream;
        ackedTotal += outcome.succeededCount();
        nackedTotal += outcome.failedCount();
        rate.answered(outcome.succeededCount(), outcome.succeededBytes(), heldRecords);
        rate.latency(now - sentAt);
        outcome.report(metrics, settings.channel(), stream, batch.size(), now - sentAt, failure != null);
        outcome.complete(failures);
        completeFlushIfEmpty();
        onRelease.run();
        inbox.takeAll();
        drain();
    }

    private void release(PendingRecord record) {
        record.completed = true;
        heldRecords--;
        heldBytes -= record.size;
    }

    /**
     * Sends everything waiting without waiting for buffer-time, from now on; and from now on no request is started
     * unless its answer is expected before {@code deadlineNanos} (0: no deadline), at the request latency measured: a
     * record not sent then is known not to be stored, one in a request without an answer is not.
     *
     * @return completed when no record is waiting or in flight any more, and every message was acked or nacked
     */
    CompletableFuture<Void> flush(long deadlineNanos) {
        flushing = true;
        if (deadlineNanos != 0) {
            sendDeadlineNanos = deadlineNanos;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        emptied.add(done);
        inbox.takeAll();
        completeFlushIfEmpty();
        drain();
        return done;
    }

    private void completeFlushIfEmpty() {
        if (flushing && heldRecords == 0 && !emptied.isEmpty()) {
            List<CompletableFuture<Void>> done = new ArrayList<>(emptied);
            emptied.clear();
            done.forEach(future -> future.complete(null));
        }
    }

    /**
     * Gives up on every record still waiting or in flight: each message is nacked, those never sent with
     * {@code notSent}, those whose request got no answer in time with {@code unanswered} (they may have been stored).
     *
     * @return how many messages were nacked
     */
    int abandon(Supplier<Throwable> notSent, Supplier<Throwable> unanswered) {
        List<PendingRecord> waitingRecords = waiting.drainAll();
        List<PendingRecord> inFlightRecords = new ArrayList<>();
        inFlight.forEach(batch -> batch.forEach(entry -> inFlightRecords.addAll(entry.records())));
        inFlight.clear();
        waitingRecords.removeIf(record -> record.completed);
        inFlightRecords.removeIf(record -> record.completed);
        waitingRecords.forEach(this::release);
        inFlightRecords.forEach(this::release);
        timer.cancel();
        waitingRecords.forEach(record -> record.nack(notSent.get(), null));
        inFlightRecords.forEach(record -> record.nack(unanswered.get(), null));
        completeFlushIfEmpty();
        return waitingRecords.size() + inFlightRecords.size();
    }

    int heldRecords() {
        return heldRecords;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** The most records the channel should hold now, from its measured send rate (see {@link SendRate}). */
    int recordBound() {
        return rate.recordBound();
    }

    /** The most bytes the channel should hold now, from its measured send rate. */
    long byteBound() {
        return rate.byteBound();
    }

    /** Records the measured rate sends in that time (at least one full request). */
    long recordsSendableIn(long nanos) {
        return rate.recordsSendableIn(nanos);
    }

    int inFlightRecords() {
        int records = 0;
        for (List<RequestEntry> batch : inFlight) {
            for (RequestEntry entry : batch) {
                records += entry.records().size();
            }
        }
        return records;
    }

    /** Messages acked and nacked by answers so far. */
    long[] answeredTotals() {
        return new long[] { ackedTotal, nackedTotal };
    }

    /** Why the stream cannot be written to, as last seen, or {@code null} while writes succeed. Any thread. */
    String streamProblem() {
        return answers.streamProblem();
    }
}
