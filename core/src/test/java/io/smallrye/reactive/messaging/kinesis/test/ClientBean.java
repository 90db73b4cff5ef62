package io.smallrye.reactive.messaging.kinesis.test;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A Kinesis client bean a test hands to the connector with {@code client-bean=}{@value #IDENTIFIER}: register this
 * class with the Weld container and set the client with {@link #use} before the channels start.
 */
@ApplicationScoped
public class ClientBean {

    public static final String IDENTIFIER = "test-client";

    private static volatile KinesisAsyncClient client;

    public static void use(KinesisAsyncClient kinesis) {
        client = kinesis;
    }

    @Produces
    @Identifier(IDENTIFIER)
    KinesisAsyncClient client() {
        return client;
    }
}
