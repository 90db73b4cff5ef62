package io.quarkiverse.messaging.kinesis.deployment.devui;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** The demo's consumer: reads the {@code orders} stream (4 shards in Dev Services) and logs each order. */
@ApplicationScoped
public class DevUiOrdersApp {

    static final String RECEIVED = "DevUiOrdersApp received ";
    private static final Logger LOG = Logger.getLogger(DevUiOrdersApp.class);

    @Incoming("orders")
    void consume(String order) {
        LOG.info(RECEIVED + order);
    }
}
