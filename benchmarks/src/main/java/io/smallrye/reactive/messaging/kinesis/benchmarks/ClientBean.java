package io.smallrye.reactive.messaging.kinesis.benchmarks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Makes a Kinesis client a CDI bean for the channels' {@code client-bean} attribute ({@value #IDENTIFIER}); the
 * application (here: the benchmark) owns and closes it. One container at a time.
 */
@ApplicationScoped
public class ClientBean {

    static final String IDENTIFIER = "bench-client";

    private static volatile KinesisAsyncClient client;

    /** The client the next container's channels use. */
    static void use(KinesisAsyncClient kinesis) {
        client = kinesis;
    }

    @Produces
    @Identifier(IDENTIFIER)
    KinesisAsyncClient client() {
        return client;
    }
}
