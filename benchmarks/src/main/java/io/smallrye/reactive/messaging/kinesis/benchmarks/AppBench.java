package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.reactive.messaging.kinesis.benchmarks.AppRuns.Producing;

/**
 * The app part of the suite ({@code app=true}): the connector as users run it, the packaged benchmark application
 * ({@code app/}) as producer and as consumer in JVMs of their own, default settings, and the references (KPL 1.1.1,
 * a plain SDK loop, the KCL 3.1.1) in JVMs of their own in the same invocation. Rows (each can be switched off):
 * <ol>
 * <li>producer: {@code app-records} records of 100 B with {@code app-keys} keys, ours with aggregation on and off, the
 * KPL and the SDK loop alternating in each of {@code app-rounds} rounds; medians;</li>
 * <li>keys matrix ({@code app-matrix}): 1, 10, 1,000 keys × aggregation off/on × ordering strict/relaxed/none, ours,
 * {@code app-matrix-records} records, at most {@code app-matrix-seconds} of sending, {@code app-matrix-rounds}
 * rounds (1);</li>
 * <li>latency ({@code app-latency}) at 200 records/s for {@code app-latency-seconds} after
 * {@code app-latency-warmup}: ours to ours, the SDK PutRecord producer to ours and to the KCL, our producer
 * (buffer-time 20 ms) to the KCL, alternating in each of {@code app-latency-rounds} rounds (3); medians of each
 * percentile;</li>
 * <li>flush at SIGTERM ({@code app-flush});</li>
 * <li>start-up ({@code app-start}), in each round.</li>
 * </ol>
 * The table goes to {@code target/app-results.md} (see {@link AppTable}).
 */
final class AppBench {

    private final Map<String, String> options;

    AppBench(Map<String, String> options) {
        this.options = options;
    }

    String run() throws IOException {
        if (options.containsKey("app-jar")) {
            ChildJvm.measureApplication(Path.of(options.get("app-jar")));
        }
        AppTable table = new AppTable(options);
        int records = integer("app-records", 300_000);
        int keys = integer("app-keys", 1000);
        int rounds = integer("app-rounds", 3);
        String clientList = options.getOrDefault("app-clients", "ours-agg,ours,kpl,sdk");
        List<String> clients = clientList.equals("none") ? List.of() : List.of(clientList.split(","));
        boolean start = flag("app-start");
        boolean startKcl = flag("app-start-kcl");
        Map<String, List<Producing>> producers = new LinkedHashMap<>();
        List<long[]> startUps = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("%n>>> app | round %d of %d%n", round, rounds);
            for (String client : clients) {
                Producing result = switch (client) {
                    case "ours-agg" -> AppRuns.ours("ours, aggregation on", records, keys,
                            Map.of("aggregation", "true"), 0);
                    case "ours" -> AppRuns.ours("ours, aggregation off", records, keys, Map.of(), 0);
                    case "kpl" -> AppRuns.kpl(records, keys);
                    case "sdk" -> AppRuns.sdk(records, keys);
                    default -> throw new IllegalArgumentException("app-clients: ours-agg, ours, kpl, sdk; not " + client);
                };
                producers.computeIfAbsent(client, c -> new ArrayList<>()).add(result);
            }
            if (start) {
                startUps.add(AppStartStop.startUp(startKcl));
            }
        }
        table.producers(records, keys, producers);

        if (flag("app-matrix")) {
            int matrixRecords = integer("app-matrix-records", 30_000);
            int matrixSeconds = integer("app-matrix-seconds", 60);
            Map<String, List<Producing>> cells = new LinkedHashMap<>();
            for (int round = 1; round <= integer("app-matrix-rounds", 1); round++) {
                for (int matrixKeys : new int[] { 1, 10, 1000 }) {
                    for (boolean aggregation : new boolean[] { false, true }) {
                        for (String ordering : new String[] { "strict", "relaxed", "none" }) {
                            String label = String.format("%,d key%s, aggregation %s, ordering %s", matrixKeys,
                                    matrixKeys == 1 ? "" : "s", aggregation ? "on" : "off", ordering);
                            cells.computeIfAbsent(label, l -> new ArrayList<>()).add(AppRuns.ours(label,
                                    matrixRecords, matrixKeys,
                                    Map.of("aggregation", String.valueOf(aggregation), "ordering", ordering),
                                    matrixSeconds));
                        }
                    }
                }
            }
            cells.forEach(table::matrix);
        }
        if (flag("app-latency")) {
            AppLatency latency = new AppLatency(integer("app-latency-warmup", 5), integer("app-latency-seconds", 20));
            Map<String, List<AppLatency.Latency>> runs = new LinkedHashMap<>();
            int latencyRounds = integer("app-latency-rounds", 3);
            for (int round = 1; round <= latencyRounds; round++) {
                System.out.printf("%n>>> app | latency round %d of %d%n", round, latencyRounds);
                runs.computeIfAbsent("ours-20ms", r -> new ArrayList<>()).add(latency.ours("20ms"));
                runs.computeIfAbsent("kcl-200ms", r -> new ArrayList<>()).add(latency.kcl(200L));
                runs.computeIfAbsent("sdk-ours", r -> new ArrayList<>()).add(latency.sdkToOurs());
                runs.computeIfAbsent("ours-20ms-kcl", r -> new ArrayList<>()).add(latency.oursToKcl("20ms", 200L));
                runs.computeIfAbsent("ours-default", r -> new ArrayList<>()).add(latency.ours(null));
                runs.computeIfAbsent("kcl-default", r -> new ArrayList<>()).add(latency.kcl(null));
            }
            Function<String, AppLatency.Latency> median = key -> AppLatency.Latency.medianOf(runs.get(key));
            table.latency(median.apply("ours-20ms"), median.apply("kcl-200ms"));
            // the same feeder as the KCL's: the consumers alone compare
            table.latency(median.apply("sdk-ours"), median.apply("kcl-200ms"));
            // and on our producer at buffer-time 20 ms: what the first row adds to the KCL's is the producer's buffering
            table.latency(median.apply("ours-20ms"), median.apply("ours-20ms-kcl"));
            table.latency(median.apply("ours-default"), median.apply("kcl-default"));
        }
        if (flag("app-flush")) {
            table.flush(AppStartStop.flush());
        }
        if (start) {
            table.startUp(startUps);
        }
        String text = table.render();
        Path out = Path.of("target", "app-results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
        return text + "\nWritten to " + out.toAbsolutePath() + "\n";
    }

    static double median(List<Producing> runs, Function<Producing, Double> figure) {
        return median(runs.stream().map(figure).mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "true"));
    }

    private int integer(String name, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(defaultValue)));
    }
}
