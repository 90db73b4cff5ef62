package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.List;

import io.smallrye.reactive.messaging.kinesis.context.ChannelContext;

/**
 * What health shows of an incoming channel, as one immutable {@link Snapshot}. The snapshot is made on the channel
 * context when something it shows changed (a reader's or the listing's problem came or went, a reader started,
 * stopped or got its first iterator, the channel failed or closed), one per burst of changes, in a task of its own;
 * it is published through one volatile field, so readiness and liveness read it from any thread, with neither a lock
 * nor a hop onto the context. Record counts, which change with every record, are not in it: they are read on the
 * context ({@link ChannelContext#read}).
 */
final class ChannelStatus {

    /**
     * @param failure the failure that stopped the channel; null while it runs
     * @param subscribed whether the channel's stream was subscribed (reading starts then)
     * @param listed whether a listing of the shards succeeded (see {@link Source#listed()})
     * @param started whether reading started (see {@link Source#started()})
     * @param startProblem before reading started: why the stream cannot be read yet; or null
     * @param problems what goes wrong with reading now (listing, shards); empty when all is well
     * @param activeShards shards being read now
     */
    record Snapshot(Throwable failure, boolean closed, boolean subscribed, boolean listed, boolean started,
            String startProblem, List<String> problems, int activeShards) {

        static final Snapshot INITIAL = new Snapshot(null, false, false, false, false, null, List.of(), 0);
    }

    /** What the channel's readers show; asked on the context when a snapshot is made. */
    interface Source {
        /** Whether a listing of the shards succeeded (the readers of its shards are being started); stays true. */
        boolean listed();

        /** Whether reading started; stays true afterwards. */
        boolean started();

        String startProblem();

        List<String> problems();

        int activeReaders();
    }

    private final ChannelContext context;
    private Source source;
    private Throwable failure;
    private boolean closed;
    private boolean subscribed;
    private boolean publishing;
    private volatile Snapshot snapshot = Snapshot.INITIAL;

    ChannelStatus(ChannelContext context) {
        this.context = context;
    }

    /** Where the readers' part of the snapshots comes from. */
    void readFrom(Source source) {
        this.source = source;
    }

    /** Something the snapshot shows changed: a new one is published in a task of the context. Context only. */
    void changed() {
        if (!publishing) {
            publishing = true;
            context.submit(this::publish);
        }
    }

    /** The channel stopped on this failure (the first one counts). Context only. */
    void failed(Throwable reason) {
        if (failure == null) {
            failure = reason;
            changed();
        }
    }

    /** The channel's stream was subscribed. Context only. */
    void subscribed() {
        subscribed = true;
        changed();
    }

    /** The channel was closed. Context only. */
    void closed() {
        closed = true;
        changed();
    }

    /** The last published snapshot; from any thread. */
    Snapshot current() {
        return snapshot;
    }

    private void publish() {
        publishing = false;
        snapshot = source == null ? new Snapshot(failure, closed, subscribed, false, false, null, List.of(), 0)
                : new Snapshot(failure, closed, subscribed, source.listed(), source.started(), source.startProblem(),
                        List.copyOf(source.problems()), source.activeReaders());
    }
}
