package io.quarkiverse.messaging.kinesis.it.tracing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/** The application's span exporter (quarkus-opentelemetry uses every SpanExporter bean): the spans, kept in memory. */
public class SpanExporterProducer {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
