package io.smallrye.reactive.messaging.kinesis.outgoing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;

/**
 * The end of an outgoing channel, on its context only. {@link #begin} sends everything held at once and keeps taking
 * what upstream delivers while the measured rate can send it before shutdown-timeout; a check every
 * {@link #QUIET_MILLIS} (a context timer) finds the channel {@link #drained()} once it holds nothing and a look at
 * upstream with demand outstanding brought nothing new (an Emitter delivers what it buffered as soon as it is
 * asked), or once the deadline has passed. {@link #close} then nacks whatever is left and takes no more messages.
 */
final class ChannelShutdown {

    /** While shutting down: how long upstream must deliver nothing before the channel counts it as drained. */
    static final long QUIET_MILLIS = 20;

    private final OutgoingSettings settings;
    private final ChannelContext context;
    private final SendLoop loop;
    private final UpstreamDemand demand;
    private final RecordInbox inbox;
    private final BooleanSupplier upstreamDone;
    private final Runnable markClosed;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private boolean begun;
    private boolean closed;
    private long startNanos;
    private long deadlineNanos;
    private long[] totalsAtStart;
    private long seenArrivals = -1;
    private long checkTimer = -1;

    /**
     * @param markClosed makes the channel nack what upstream delivers from now on, on any thread
     */
    ChannelShutdown(OutgoingSettings settings, ChannelContext context, SendLoop loop, UpstreamDemand demand,
            RecordInbox inbox, BooleanSupplier upstreamDone, Runnable markClosed) {
        this.settings = settings;
        this.context = context;
        this.loop = loop;
        this.demand = demand;
        this.inbox = inbox;
        this.upstreamDone = upstreamDone;
        this.markClosed = markClosed;
    }

    /** Completed (on the context) once the channel is drained or the deadline passed. Any thread. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    /** Starts the shutdown that {@code startNanos} asked for: from then on, shutdown-timeout runs. */
    void begin(long startNanos) {
        if (begun || closed) {
            return;
        }
        begun = true;
        this.startNanos = startNanos;
        deadlineNanos = startNanos + settings.shutdownTimeout().toNanos();
        inbox.takeAll();
        totalsAtStart = loop.answeredTotals();
        int held = loop.heldRecords();
        if (held > 0) {
            int inFlight = loop.inFlightRecords();
            KinesisLogging.log.drainingOnShutdown(settings.channel(), held - inFlight, inFlight,
                    settings.shutdownTimeout().toMillis());
        }
        demand.shutdownBy(deadlineNanos);
        loop.flush(deadlineNanos);
        demand.topUp();
        check();
    }

    private void check() {
        checkTimer = -1;
        if (closed) {
            return;
        }
        inbox.takeAll();
        if (System.nanoTime() - deadlineNanos >= 0) {
            drained.complete(null);
            return;
        }
        long arrivals = demand.arrivals();
        boolean upstreamEmpty = !demand.subscribed() || upstreamDone.getAsBoolean() || demand.outstanding()
                || demand.recordLimit() <= loop.heldRecords();
        if (arrivals == seenArrivals && loop.heldRecords() == 0 && inbox.isEmpty() && upstreamEmpty) {
            drained.complete(null);
            return;
        }
        seenArrivals = arrivals;
        demand.topUp();
        checkTimer = context.setTimer(QUIET_MILLIS, this::check);
    }

    /**
     * Nacks whatever is still held (never sent, or sent without an answer in time), logs what the shutdown did and
     * lets upstream deliver everything it still has, to be nacked as "channel closed".
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (checkTimer != -1) {
            context.cancelTimer(checkTimer);
        }
        drained.complete(null);
        inbox.takeAll(); // accepted before the close: nacked below as not sent, like the other records held
        markClosed.run();
        long timeoutMs = settings.shutdownTimeout().toMillis();
        String channel = settings.channel();
        int abandoned = loop.abandon(
                () -> KinesisExceptions.ex.notSentBeforeShutdown(channel, settings.stream(), timeoutMs),
                () -> KinesisExceptions.ex.unansweredBeforeShutdown(channel, settings.stream(), timeoutMs));
        if (abandoned > 0) {
            KinesisLogging.log.shutdownTimeoutExpired(channel, abandoned, timeoutMs);
        }
        long[] totals = loop.answeredTotals();
        if (totalsAtStart != null && totals[0] + totals[1] > totalsAtStart[0] + totalsAtStart[1]) {
            KinesisLogging.log.shutdownFlushDone(channel,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    totals[0] - totalsAtStart[0], totals[1] - totalsAtStart[1] + abandoned);
        }
        demand.takeAll();
    }
}
