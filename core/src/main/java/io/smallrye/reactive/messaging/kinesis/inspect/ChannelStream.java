package io.smallrye.reactive.messaging.kinesis.inspect;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A stream a channel of the connector uses, with the client the channel calls Kinesis with: what tools (the Dev UI)
 * describe, peek and write to with the channel's own endpoint, region and credentials.
 *
 * @param channel the channel's name
 * @param incoming true for an incoming channel, false for an outgoing one
 * @param stream the stream's name or ARN, as configured
 * @param client the channel's client; owned by the connector (never closed by a tool)
 */
public record ChannelStream(String channel, boolean incoming, String stream, KinesisAsyncClient client) {
}
