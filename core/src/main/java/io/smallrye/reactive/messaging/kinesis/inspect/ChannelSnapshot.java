package io.smallrye.reactive.messaging.kinesis.inspect;

import java.util.List;

/**
 * What an incoming channel shows at one moment, for tools (the Dev UI): made on the channel's context, immutable
 * afterwards.
 *
 * @param channel the channel's name
 * @param stream the stream it reads
 * @param state {@code waiting-for-subscription}, {@code starting} (the first listing of the shards is not done),
 *        {@code running}, {@code failed}, {@code closed}
 * @param problem the failure that stopped the channel, or what stops it from starting; null otherwise
 * @param shards the shards this channel reads now, in the order their readers started
 */
public record ChannelSnapshot(String channel, String stream, String state, String problem,
        List<ShardSnapshot> shards) {

    public ChannelSnapshot {
        shards = List.copyOf(shards);
    }
}
