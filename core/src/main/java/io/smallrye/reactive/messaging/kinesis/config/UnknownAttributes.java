package io.smallrye.reactive.messaging.kinesis.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisLogging;

/**
 * Reports the attributes of a {@code smallrye-kinesis} channel that nothing reads, with the closest known name
 * ({@code unknown-attributes}: {@code warn}, {@code fail} or {@code ignore}).
 * <p>
 * Known: the connector's {@link ConnectorAttribute}s (read from {@link KinesisConnector}'s annotations) and the keys
 * SmallRye Reactive Messaging (and Quarkus) read on any channel. An attribute set for the channel itself
 * ({@code mp.messaging.incoming.orders.X}) must be one of its direction: an outgoing-only attribute on an incoming
 * channel is reported too, as it has no effect there. An attribute set at connector level
 * ({@code mp.messaging.connector.smallrye-kinesis.X}) applies to channels of both directions, so it is reported only
 * when no direction knows it, and once per connector rather than once per channel.
 */
public final class UnknownAttributes {

    public static final String WARN = "warn";
    public static final String FAIL = "fail";
    public static final String IGNORE = "ignore";

    /**
     * The channel keys SmallRye Reactive Messaging 4.33 reads itself (ConnectorConfig, ConfiguredChannelFactory,
     * ConcurrencyConnectorConfig), and the one the Quarkus messaging extension adds to every connector.
     */
    static final Set<String> HOST_KEYS = Set.of("connector", "type", "channel-name", "enabled", "broadcast", "merge",
            "concurrency", "pausable", "initially-paused", "pausable.initially-paused", "pausable.late-subscription",
            "pausable.buffer-size", "pausable.buffer-strategy", "tls-configuration-name");

    private static final String CONNECTOR_PREFIX = "mp.messaging.connector." + KinesisConnector.CONNECTOR_NAME + ".";

    private final Set<String> incoming;
    private final Set<String> outgoing;
    /** Connector-level keys already reported, so that each is reported once, not once per channel. */
    private final Set<String> reportedConnectorKeys = ConcurrentHashMap.newKeySet();

    public UnknownAttributes() {
        this(attributes(Direction.INCOMING), attributes(Direction.OUTGOING));
    }

    UnknownAttributes(Set<String> incoming, Set<String> outgoing) {
        this.incoming = incoming;
        this.outgoing = outgoing;
    }

    /** The names of the connector's attributes that channels of this direction read. */
    public static Set<String> attributes(Direction direction) {
        return Stream.of(KinesisConnector.class.getAnnotationsByType(ConnectorAttribute.class))
                .filter(attribute -> attribute.direction() == direction
                        || attribute.direction() == Direction.INCOMING_AND_OUTGOING)
                .map(ConnectorAttribute::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Checks the attributes of a channel: logs a warning per problem, or throws naming them all, or does nothing,
     * as its {@code unknown-attributes} says.
     *
     * @param config the channel's configuration, as handed to the connector
     * @param incomingChannel whether the channel is incoming
     * @param mode the channel's {@code unknown-attributes}
     */
    public void check(Config config, boolean incomingChannel, String mode) {
        String channel = config.getValue("channel-name", String.class);
        String normalizedMode = mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of(WARN, FAIL, IGNORE).contains(normalizedMode)) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "unknown-attributes", mode, "warn, fail, ignore");
        }
        if (normalizedMode.equals(IGNORE) || incoming.isEmpty() || outgoing.isEmpty()) {
            // no attribute known (annotations not readable, e.g. in a native image without them): nothing to compare
            return;
        }
        List<String> problems = problems(config, incomingChannel, normalizedMode.equals(WARN));
        if (problems.isEmpty()) {
            return;
        }
        if (normalizedMode.equals(FAIL)) {
            throw KinesisExceptions.ex.unknownAttributes(channel, String.join("; ", problems));
        }
        problems.forEach(problem -> KinesisLogging.log.attributeIgnored(channel, problem));
    }

    /** The problems of the channel's attributes, one sentence each. */
    List<String> problems(Config config, boolean incomingChannel, boolean onceForConnectorKeys) {
        Set<String> own = incomingChannel ? incoming : outgoing;
        Set<String> other = incomingChannel ? outgoing : incoming;
        String direction = incomingChannel ? "incoming" : "outgoing";
        List<String> problems = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        names(config).forEach(keys::add);
        for (String key : keys) {
            String name = known(key, own);
            if (name != null) {
                continue;
            }
            String property = property(config, key);
            boolean connectorLevel = property != null && property.startsWith(CONNECTOR_PREFIX);
            String otherName = known(key, other);
            if (otherName != null) {
                if (!connectorLevel) {
                    problems.add("attribute '" + otherName + "' applies to " + (incomingChannel ? "outgoing" : "incoming")
                            + " channels only and is ignored on this " + direction + " channel (" + property + ")");
                }
                continue;
            }
            if (connectorLevel && onceForConnectorKeys && !reportedConnectorKeys.add(key)) {
                continue;
            }
            String suggestion = closest(key, own, other);
            problems.add("unknown attribute '" + key + "'" + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                    + ", ignored (" + (property == null ? key : property) + ")");
        }
        return problems;
    }

    private static Iterable<String> names(Config config) {
        try {
            return config.getPropertyNames();
        } catch (UnsupportedOperationException notListed) {
            return List.of();
        }
    }

    /** The full name of the property that set this key (channel or connector level), if the config says. */
    private static String property(Config config, String key) {
        try {
            ConfigValue value = config.getConfigValue(key);
            return value == null ? null : value.getName();
        } catch (RuntimeException unknown) {
            return null;
        }
    }

    /**
     * The known attribute this key names, or null. Keys from environment variables come upper-case with underscores
     * (MP_MESSAGING_INCOMING_ORDERS_BUFFER_TIME gives BUFFER_TIME), so names are compared in that form too.
     */
    private static String known(String key, Set<String> attributes) {
        if (attributes.contains(key) || HOST_KEYS.contains(key)) {
            return key;
        }
        String normalized = normalize(key);
        return Stream.concat(attributes.stream(), HOST_KEYS.stream())
                .filter(name -> normalize(name).equals(normalized))
                .findFirst().orElse(null);
    }

    static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    /**
     * The known attribute closest to this key in edit distance (the channel's direction first), if close enough to be
     * a likely typo: at most a third of the key's length, and at least 2.
     */
    static String closest(String key, Set<String> own, Set<String> other) {
        String normalized = normalize(key);
        int limit = Math.max(2, normalized.length() / 3);
        return Stream.of(own, HOST_KEYS, other)
                .flatMap(Set::stream)
                .map(name -> new Candidate(name, EditDistance.between(normalized, normalize(name))))
                .filter(candidate -> candidate.distance() <= limit)
                .min(Comparator.comparingInt(Candidate::distance))
                .map(Candidate::name)
                .orElse(null);
    }

    private record Candidate(String name, int distance) {
    }
}
