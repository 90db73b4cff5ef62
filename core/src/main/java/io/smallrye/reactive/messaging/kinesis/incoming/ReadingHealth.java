package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the {@link ShardSupervisor}'s work shows to health, asked on the channel context when {@link ChannelStatus}
 * makes a snapshot: whether reading started, why not yet, and what goes wrong with the listing and the shards.
 */
final class ReadingHealth implements ChannelStatus.Source {

    private final StreamShards shards;
    private final ShardDiscovery discovery;
    private final ActiveReaders readers;
    /** Why the fan-out consumer cannot be used now; null when all is well or the channel polls. */
    private final Supplier<String> consumerProblem;
    private boolean listed;
    private int claimsInFlight;
    private boolean started;
    /** Why the stream is no longer read (it was deleted); null while it is. */
    private String deleted;

    ReadingHealth(StreamShards shards, ShardDiscovery discovery, ActiveReaders readers,
            Supplier<String> consumerProblem) {
        this.shards = shards;
        this.consumerProblem = consumerProblem;
        this.discovery = discovery;
        this.readers = readers;
    }

    /** A listing of the shards succeeded. */
    void listingSucceeded() {
        listed = true;
    }

    @Override
    public boolean listed() {
        return listed || deleted != null;
    }

    /** The stream was deleted while read: its readers stopped for good. */
    void streamDeleted(String why) {
        deleted = why;
    }

    void claimStarted() {
        claimsInFlight++;
    }

    /** Called once the claim's reader, if any, is registered. */
    void claimAnswered() {
        claimsInFlight--;
    }

    /**
     * Whether reading started: the first listing succeeded, and the shards startable then were claimed and their
     * readers got their first iterator. Stays true afterwards.
     */
    @Override
    public boolean started() {
        if (deleted != null) {
            return true;
        }
        if (!started && listed && claimsInFlight == 0 && readers.allPositioned()) {
            started = true;
        }
        return started;
    }

    /** Before reading started: why the stream cannot be read yet (missing, not ACTIVE, calls failing); or null. */
    @Override
    public String startProblem() {
        if (deleted != null) {
            return deleted;
        }
        String problem = shards.problem();
        return problem != null ? problem : discovery.problem();
    }

    /** What goes wrong with reading; empty when all is well. */
    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (deleted != null) {
            problems.add(deleted);
            return problems;
        }
        String listing = discovery.problem();
        if (listing != null) {
            problems.add(listing);
        }
        String consumer = consumerProblem.get();
        if (consumer != null) {
            problems.add(consumer);
        }
        problems.addAll(readers.problems());
        return problems;
    }

    @Override
    public int activeReaders() {
        return readers.size();
    }
}
