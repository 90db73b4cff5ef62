package io.quarkiverse.messaging.kinesis.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Writes records to a stream from a thread of its own while a test runs: batches of {@code batch} records every
 * {@code pauseMillis}, payload {@code <key>:<n>} with n counting per key from 0, so order per key can be checked.
 * A refused entry stops the feeder with a failure (the emulator does not throttle at these rates).
 */
final class StreamFeeder implements AutoCloseable {

    private final KinesisAsyncClient client;
    private final String stream;
    private final int keys;
    private final int batch;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final List<String> payloads = new ArrayList<>();
    private final Thread thread;
    private volatile Throwable failure;

    StreamFeeder(KinesisAsyncClient client, String stream, int keys, int batch, long pauseMillis) {
        this.client = client;
        this.stream = stream;
        this.keys = keys;
        this.batch = batch;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "stream-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int next = 0;
        try {
            while (running.get()) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < batch; i++, next++) {
                    String key = "k" + (next % keys);
                    String text = key + ":" + (next / keys);
                    texts.add(text);
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
                            .data(SdkBytes.fromString(text, StandardCharsets.UTF_8)).build());
                }
                PutRecordsResponse answer = client.putRecords(r -> r.streamName(stream).records(entries))
                        .get(30, TimeUnit.SECONDS);
                for (int i = 0; i < entries.size(); i++) {
                    if (answer.records().get(i).errorCode() != null) {
                        throw new IllegalStateException("The emulator refused " + texts.get(i) + ": "
                                + answer.records().get(i).errorCode());
                    }
                    synchronized (payloads) {
                        payloads.add(texts.get(i));
                    }
                    written.incrementAndGet();
                }
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    int written() {
        return written.get();
    }

    List<String> payloads() {
        synchronized (payloads) {
            return List.copyOf(payloads);
        }
    }

    /** Stops writing; returns every payload written. */
    List<String> stop() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
        if (failure != null) {
            throw new IllegalStateException("The feeder failed", failure);
        }
        return payloads();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
    }
}
