package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The validated settings of one incoming channel. Limits follow the Kinesis service: at most 10,000 records per
 * GetRecords call and 5 calls per second per shard.
 *
 * @param stream the stream read: {@code stream}, else the channel name; with {@code streams}, the first of them (the
 *        settings of each stream's readers are a copy naming that stream: {@link #forStream(String)})
 * @param streams every stream the channel reads, in the configured order (one, unless {@code streams} is set)
 * @param multiStream whether {@code streams} is set: then a stream deleted while read stops its readers only, and
 *        the DynamoDB lease keys follow the KCL's multi-stream format
 * @param fanOut the enhanced fan-out settings; null when {@code consumerMode} is polling
 */
public record IncomingSettings(
        String channel,
        String stream,
        List<String> streams,
        boolean multiStream,
        StartingPosition startingPosition,
        Instant startingTimestamp,
        Duration pollInterval,
        Duration idlePollInterval,
        int maxRecords,
        int maxPendingRecords,
        Duration shardDiscoveryInterval,
        Duration checkpointInterval,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        boolean deaggregation,
        boolean healthEnabled,
        LostPositionStrategy lostPositionStrategy,
        boolean batch,
        ConsumerMode consumerMode,
        FanOutSettings fanOut) {

    public static final int GET_RECORDS_MAX_RECORDS = 10_000;

    public static IncomingSettings from(KinesisConnectorIncomingConfiguration conf) {
        String channel = conf.getChannel();
        AttributeValidator check = new AttributeValidator(channel);
        StartingPosition position = check.enumValue("starting-position", conf.getStartingPosition(),
                StartingPosition.class);
        Instant timestamp = conf.getStartingTimestamp().map(value -> timestamp(channel, value)).orElse(null);
        if (position == StartingPosition.AT_TIMESTAMP && timestamp == null) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "starting-timestamp", "",
                    "an instant such as 2024-05-01T12:00:00Z or epoch milliseconds, required by starting-position at_timestamp");
        }
        if (position != StartingPosition.AT_TIMESTAMP && timestamp != null) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "starting-position", conf.getStartingPosition(),
                    "at_timestamp, since starting-timestamp is set");
        }
        ConsumerMode mode = ConsumerMode.parse(channel, conf.getConsumerMode());
        Duration retryBackoff = check.positiveDuration("retry-backoff", conf.getRetryBackoff());
        Duration maxRetryBackoff = check.positiveDuration("max-retry-backoff", conf.getMaxRetryBackoff());
        if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "max-retry-backoff", conf.getMaxRetryBackoff(),
                    "a duration not shorter than retry-backoff (" + conf.getRetryBackoff() + ")");
        }
        List<String> streams = streams(conf);
        FanOutSettings fanOut = FanOutSettings.from(conf, mode);
        if (fanOut != null && fanOut.consumerArn() != null && conf.getStreams().isPresent()) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "consumer-arn", fanOut.consumerArn(),
                    "nothing, since streams lists several streams: a consumer ARN belongs to one stream; use consumer-name"
                            + " (one consumer of that name is registered on each stream)");
        }
        return new IncomingSettings(
                channel,
                streams.get(0),
                streams,
                conf.getStreams().isPresent(),
                position,
                timestamp,
                check.positiveDuration("poll-interval", conf.getPollInterval()),
                check.positiveDuration("idle-poll-interval", conf.getIdlePollInterval()),
                check.intInRange("max-records", conf.getMaxRecords(), 1, GET_RECORDS_MAX_RECORDS),
                check.intInRange("max-pending-records", conf.getMaxPendingRecords(), 1, Integer.MAX_VALUE),
                check.positiveDuration("shard-discovery-interval", conf.getShardDiscoveryInterval()),
                check.positiveDuration("checkpoint-interval", conf.getCheckpointInterval()),
                retryBackoff,
                maxRetryBackoff,
                conf.getDeaggregation(),
                conf.getHealthEnabled(),
                check.enumValue("lost-position-strategy", conf.getLostPositionStrategy(), LostPositionStrategy.class),
                conf.getBatch(),
                mode,
                fanOut);
    }

    /**
     * The streams to read: {@code streams} (a comma-separated list of names or ARNs, no duplicates), else
     * {@code stream}, else the channel name. Setting both is an error naming both attributes.
     */
    private static List<String> streams(KinesisConnectorIncomingConfiguration conf) {
        String channel = conf.getChannel();
        Optional<String> list = conf.getStreams();
        if (list.isEmpty()) {
            return List.of(conf.getStream().orElse(channel));
        }
        if (conf.getStream().isPresent()) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "streams", list.get(),
                    "nothing, since stream is set (" + conf.getStream().get()
                            + "): set either stream (one stream) or streams (a list), not both");
        }
        Set<String> streams = new LinkedHashSet<>();
        for (String entry : list.get().split(",")) {
            String stream = entry.trim();
            if (stream.isEmpty()) {
                throw KinesisExceptions.ex.invalidAttribute(channel, "streams", list.get(),
                        "a comma-separated list of stream names or ARNs, without empty entries");
            }
            if (!streams.add(stream)) {
                throw KinesisExceptions.ex.invalidAttribute(channel, "streams", list.get(),
                        "a list naming each stream once ('" + stream + "' is listed twice)");
            }
        }
        return List.copyOf(streams);
    }

    /** A copy for the readers of one of the channel's streams: {@link #stream()} is that stream. */
    public IncomingSettings forStream(String oneStream) {
        return new IncomingSettings(channel, oneStream, streams, multiStream, startingPosition, startingTimestamp,
                pollInterval, idlePollInterval, maxRecords, maxPendingRecords, shardDiscoveryInterval,
                checkpointInterval, retryBackoff, maxRetryBackoff, deaggregation, healthEnabled, lostPositionStrategy,
                batch, consumerMode, fanOut);
    }

    private static Instant timestamp(String channel, String value) {
        String text = value.trim();
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            return Instant.parse(text);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "starting-timestamp", value,
                    "an instant such as 2024-05-01T12:00:00Z or epoch milliseconds");
        }
    }

    /** GetRecords asks for at most this many records: max-records, and never more than the pending bound. */
    public int recordsPerCall() {
        return Math.min(maxRecords, maxPendingRecords);
    }
}
