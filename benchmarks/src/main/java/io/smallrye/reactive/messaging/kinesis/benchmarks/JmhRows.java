package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH benchmarks (with the GC profiler) and turns their results into the rows of the report's table. */
final class JmhRows {

    static final String DEFAULT_INCLUDE = "(ChannelProduceBenchmark|EmitterProduceBenchmark|ChannelConsumeBenchmark)";
    static final double PRODUCE_TARGET = 500_000;
    static final double CONSUME_TARGET = 1_000_000;

    static final String HEADER = "| path | aggregation | threads | records/s | ± (99.9%) | × target | bytes allocated"
            + " / record |\n|---|---|---|---:|---:|---:|---:|\n";

    private JmhRows() {
    }

    static List<String[]> run(String include, int warmups, int iterations, int seconds) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(include)
                .addProfiler(GCProfiler.class)
                .forks(1)
                .warmupIterations(warmups)
                .measurementIterations(iterations)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementTime(TimeValue.seconds(seconds))
                .build()).run();
        List<String[]> rows = new ArrayList<>();
        for (RunResult result : results) {
            rows.add(row(result));
        }
        return rows;
    }

    private static String[] row(RunResult result) {
        String benchmark = result.getParams().getBenchmark();
        Result<?> primary = result.getPrimaryResult();
        Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
        String path;
        String aggregation;
        String threads;
        double target;
        if (benchmark.contains("ChannelConsumeBenchmark")) {
            String consumer = result.getParams().getParam("consumer");
            path = switch (consumer) {
                case "bare" -> "GetRecords page → channel → subscriber acks → checkpoint position";
                case "bare-batch" -> "GetRecords page → channel (batch=true) → subscriber acks each batch → checkpoint"
                        + " position";
                default -> "GetRecords page → channel → @Incoming (Weld/SmallRye) acks → checkpoint position";
            };
            aggregation = "aggregated".equals(result.getParams().getParam("page"))
                    ? "de-aggregated (10,000 user records in KPL records of ≤ 51,200 bytes)"
                    : "no (10,000 plain records)";
            threads = "1 (the channel's event loop)";
            target = CONSUME_TARGET;
        } else {
            boolean emitter = benchmark.contains("EmitterProduceBenchmark");
            path = emitter ? "Emitter.send → Weld/SmallRye → channel → PutRecords → ack"
                    : "channel.onNext → batch → PutRecords → ack";
            aggregation = "true".equals(result.getParams().getParam("aggregation")) ? "yes" : "no";
            threads = "2 (sender + the channel's context)";
            target = PRODUCE_TARGET;
        }
        return new String[] { path, aggregation, threads,
                String.format(Locale.ROOT, "%,.0f", primary.getScore()),
                String.format(Locale.ROOT, "%,.0f", primary.getScoreError()),
                String.format(Locale.ROOT, "%.2f", primary.getScore() / target),
                allocation == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", allocation.getScore()) };
    }
}
