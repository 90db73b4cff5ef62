package io.quarkiverse.messaging.kinesis.benchmark.app;

/** The lines the harness reads: {@code BENCH <word> name=value ...} on stdout, flushed at once. */
final class Out {

    private Out() {
    }

    static void line(String text) {
        System.out.println("BENCH " + text);
        System.out.flush();
    }
}
