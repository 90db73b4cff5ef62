package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fate of every order of a load, read back from the demo's send log ({@code orders.sent-log}, see the application's
 * {@code SendLog}): accepted by the Emitter (S), acked (A, with shard and sequence number), nacked (N, with the reason),
 * refused by the Emitter (R). Lines are in the order they were written; a line cut by a kill -9 is ignored.
 */
record SendFates(Set<String> accepted, Map<String, Ack> acked, Map<String, String> nacked, Map<String, String> refused) {

    private static final Pattern LOG_ID = Pattern.compile("SRKIN\\d+");

    /** Where Kinesis stored an order, and the position of its A line among all A lines (0 first). */
    record Ack(String shardId, String sequenceNumber, int index) {
    }

    /** Records written straight to the stream (not through the application): each accepted and acked. */
    static SendFates allAcked(List<String> written) {
        Map<String, Ack> acked = new LinkedHashMap<>();
        written.forEach(record -> acked.put(record, new Ack("?", "?", acked.size())));
        return new SendFates(new LinkedHashSet<>(written), acked, Map.of(), Map.of());
    }

    static SendFates read(Path file) {
        Set<String> accepted = new LinkedHashSet<>();
        Map<String, Ack> acked = new LinkedHashMap<>();
        Map<String, String> nacked = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split(" ", 3);
                    if (fields.length < 2) {
                        continue;
                    }
                    String order = fields[1];
                    switch (fields[0]) {
                        case "S" -> accepted.add(order);
                        case "A" -> {
                            String[] where = fields.length == 3 ? fields[2].split(" ") : new String[0];
                            if (where.length == 2) {
                                acked.put(order, new Ack(where[0], where[1], acked.size()));
                            }
                        }
                        case "N" -> nacked.put(order, fields.length == 3 ? fields[2] : "");
                        case "R" -> refused.put(order, fields.length == 3 ? fields[2] : "");
                        default -> {
                            // a line cut by a kill -9
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SendFates(accepted, acked, nacked, refused);
    }

    /** Accepted orders with neither an ack nor a nack. */
    Set<String> unanswered() {
        Set<String> unanswered = new LinkedHashSet<>(accepted);
        unanswered.removeAll(acked.keySet());
        unanswered.removeAll(nacked.keySet());
        return unanswered;
    }

    /** Orders with both an ack and a nack, or acked or nacked twice would be lost here: those answered twice. */
    Set<String> answeredTwice() {
        Set<String> both = new LinkedHashSet<>(acked.keySet());
        both.retainAll(nacked.keySet());
        return both;
    }

    /** Nacks per reason: the connector's log id in the reason if any, else the exception class. */
    Map<String, Long> nackReasons() {
        Map<String, Long> reasons = new TreeMap<>();
        nacked.values().forEach(reason -> reasons.merge(reasonKey(reason), 1L, Long::sum));
        return reasons;
    }

    private static String reasonKey(String reason) {
        Matcher id = LOG_ID.matcher(reason);
        if (id.find()) {
            return id.group();
        }
        int colon = reason.indexOf(':');
        String type = colon < 0 ? reason : reason.substring(0, colon);
        return type.isBlank() ? "(no reason)" : type.substring(type.lastIndexOf('.') + 1).trim();
    }
}
