package io.quarkiverse.messaging.kinesis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The receipt log a node of the demo wrote ({@code orders.received-log}): what it processed, in order. */
record Receipts(String node, List<Receipt> receipts) {

    /** One processed record: where it was, what it was, when it was processed (epoch microseconds). */
    record Receipt(String node, String shardId, BigInteger sequenceNumber, String partitionKey, String payload,
            long processedMicros) {
    }

    static Receipts read(String node, Path file) {
        List<Receipt> receipts = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Receipts(node, receipts);
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length == 5) { // a line cut by kill -9 is incomplete: its record was not acked
                    receipts.add(new Receipt(node, fields[0], new BigInteger(fields[1]), fields[2], fields[3],
                            Long.parseLong(fields[4])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Receipts(node, receipts);
    }
}
