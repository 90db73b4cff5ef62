package io.quarkiverse.messaging.kinesis.test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkiverse.messaging.kinesis.emulator.EmulatorCache;
import io.quarkiverse.messaging.kinesis.emulator.KinesisLocalProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs kinesis-mock for a {@code @QuarkusTest} or {@code @QuarkusIntegrationTest}, creates streams on it and points the
 * connector at it (so Dev Services stay off):
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(value = KinesisTestResource.class, restrictToAnnotatedClass = true, initArgs = &#64;ResourceArg(name = "streams", value = "orders:4,shipments:1"))
 * class OrdersTest {
 *     KinesisCompanion kinesis; // injected
 *     KinesisTestEmulator emulator; // injected, when the test needs to stop it
 * }
 * </pre>
 *
 * The emulator is the one Dev Services run: the npm package {@code kinesis-local} run by Node.js 20+, installed with npm
 * on first use into the Dev Services cache folder ({@code ~/.cache/quarkus-messaging-kinesis}). Init args:
 * {@value #STREAMS} ({@code name:shards,...}, shards 1 when omitted), {@value #NODE} and {@value #NPM} (executables,
 * {@code node} and {@code npm} by default), {@value #CACHE_DIR}.
 */
public class KinesisTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String STREAMS = "streams";
    public static final String NODE = "node";
    public static final String NPM = "npm";
    public static final String CACHE_DIR = "cache-dir";
    /**
     * The kinesis-mock release Dev Services run by default
     * ({@code quarkus.messaging.kinesis.devservices.kinesis-local-version}).
     */
    static final String KINESIS_LOCAL_VERSION = "0.6.2";
    static final String REGION = "us-east-1";
    static final String ACCESS_KEY_ID = "test-access-key-id";
    static final String SECRET_ACCESS_KEY = "test-secret-access-key";
    static final String PREFIX = "quarkus.messaging.kinesis.";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Integer> streams = new LinkedHashMap<>();
    private String node = "node";
    private String npm = "npm";
    private Path cacheDir;
    private KinesisLocalProcess process;
    private KinesisCompanion companion;
    private KinesisTestEmulator emulator;

    @Override
    public void init(Map<String, String> initArgs) {
        streams.putAll(parseStreams(initArgs.getOrDefault(STREAMS, "")));
        node = initArgs.getOrDefault(NODE, node);
        npm = initArgs.getOrDefault(NPM, npm);
        cacheDir = initArgs.containsKey(CACHE_DIR) ? Path.of(initArgs.get(CACHE_DIR)) : null;
    }

    @Override
    public Map<String, String> start() {
        process = new KinesisLocalProcess(new KinesisLocalProcess.Settings(node, npm,
                cacheDir != null ? cacheDir : EmulatorCache.defaultDirectory(), KINESIS_LOCAL_VERSION, 0,
                REGION, Map.copyOf(streams), STARTUP_TIMEOUT), "The Kinesis test resource");
        process.start();
        emulator = new KinesisTestEmulator(process, REGION);
        companion = new KinesisCompanion(emulator.endpoint(), REGION, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        return configuration(emulator.endpoint());
    }

    /** What points the connector at the emulator: every channel, with static dummy credentials. */
    static Map<String, String> configuration(URI endpoint) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(PREFIX + "endpoint-override", endpoint.toString());
        config.put(PREFIX + "region", REGION);
        config.put(PREFIX + "credentials.type", "static");
        config.put(PREFIX + "credentials.access-key-id", ACCESS_KEY_ID);
        config.put(PREFIX + "credentials.secret-access-key", SECRET_ACCESS_KEY);
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(companion, new TestInjector.MatchesType(KinesisCompanion.class));
        testInjector.injectIntoFields(emulator, new TestInjector.MatchesType(KinesisTestEmulator.class));
    }

    @Override
    public void stop() {
        try {
            if (companion != null) {
                companion.close();
            }
        } finally {
            if (process != null) {
                process.close();
            }
        }
    }

    /** {@code "name:shards,name2:shards"}, shards 1 when omitted. */
    static Map<String, Integer> parseStreams(String spec) {
        Map<String, Integer> parsed = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":");
            if (parts.length > 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("Bad stream '" + entry.trim() + "' in init arg " + STREAMS + "="
                        + spec + ": expected name:shards");
            }
            int shards;
            try {
                shards = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1;
            } catch (NumberFormatException e) {
                shards = 0;
            }
            if (shards < 1) {
                throw new IllegalArgumentException("Bad shard count in '" + entry.trim() + "' of init arg " + STREAMS
                        + "=" + spec + ": expected a whole number of at least 1");
            }
            parsed.put(parts[0].trim(), shards);
        }
        return parsed;
    }
}
