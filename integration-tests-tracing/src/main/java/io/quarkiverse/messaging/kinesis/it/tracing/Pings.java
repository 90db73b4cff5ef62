package io.quarkiverse.messaging.kinesis.it.tracing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Sends pings through two streams and takes them back: {@code pings} with tracing and the trace envelope,
 * {@code quiet} with {@code tracing-enabled=false} on both channels, {@code batched} (envelope) read with
 * {@code batch=true}. Each received ping (or batch) is kept with the span that was current in the {@code @Incoming}
 * method.
 */
@ApplicationScoped
public class Pings {

    /** A received ping and the span context current while the application processed it. */
    public record Received(String payload, SpanContext current) {
    }

    @Inject
    @Channel("pings-out")
    Emitter<String> pings;

    @Inject
    @Channel("quiet-out")
    Emitter<String> quiet;

    @Inject
    @Channel("batched-out")
    Emitter<String> batched;

    private final List<Received> receivedPings = new CopyOnWriteArrayList<>();
    private final List<Received> receivedQuiet = new CopyOnWriteArrayList<>();
    private final List<Received> receivedBatches = new CopyOnWriteArrayList<>();

    public Emitter<String> pings() {
        return pings;
    }

    public Emitter<String> quiet() {
        return quiet;
    }

    public Emitter<String> batched() {
        return batched;
    }

    @Incoming("pings")
    void ping(String payload) {
        receivedPings.add(new Received(payload, Span.current().getSpanContext()));
    }

    @Incoming("quiet")
    void quiet(String payload) {
        receivedQuiet.add(new Received(payload, Span.current().getSpanContext()));
    }

    /** A batch's payloads, joined with commas. */
    @Incoming("batched")
    void batch(List<String> payloads) {
        receivedBatches.add(new Received(String.join(",", payloads), Span.current().getSpanContext()));
    }

    public List<Received> receivedBatches() {
        return receivedBatches;
    }

    public List<Received> receivedPings() {
        return receivedPings;
    }

    public List<Received> receivedQuiet() {
        return receivedQuiet;
    }
}
