package io.quarkiverse.messaging.kinesis.it;

/** A shipment of an order: written to the {@code shipments} stream as JSON and read back as this class. */
public record Shipment(String id, String customer, String carrier, int parcels) {
}
