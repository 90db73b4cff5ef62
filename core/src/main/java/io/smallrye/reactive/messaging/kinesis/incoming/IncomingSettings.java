package io.smallrye.reactive.messaging.kinesis.incoming;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.config.AttributeValidator;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The validated settings of one incoming channel. Limits follow the Kinesis service: at most 10,000 records per
 * GetRecords call and 5 calls per second per shard.
 *
 * @param fanOut the enhanced fan-out settings; null when {@code consumerMode} is polling
 */
public record IncomingSettings(
        String channel,
        String stream,
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
        return new IncomingSettings(
                channel,
                conf.getStream().orElse(channel),
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
                FanOutSettings.from(conf, mode));
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
