package io.quarkiverse.messaging.kinesis.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Receives the shipments of the {@code shipments} stream, read from JSON as {@link Shipment}s. */
@ApplicationScoped
public class ShipmentsConsumer {

    private final List<Shipment> received = new CopyOnWriteArrayList<>();

    @Incoming("shipments")
    void onShipment(Shipment shipment) {
        received.add(shipment);
    }

    List<Shipment> received() {
        return List.copyOf(received);
    }
}
