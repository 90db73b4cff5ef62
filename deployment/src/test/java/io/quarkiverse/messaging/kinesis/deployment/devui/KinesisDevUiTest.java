package io.quarkiverse.messaging.kinesis.deployment.devui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * The Dev UI card in a real browser: the demo's consumer in dev mode (Dev Services' emulator, stream {@code orders}
 * with 4 shards), driven by headless Chromium through {@code src/test/js/devui-check.mjs} (playwright-core from the
 * project's node_modules). The script opens the card from the Extensions page, reads what the pages show (DOM text,
 * checked here), publishes a record from the Records page and peeks it; the application's {@code @Incoming} method
 * must log it. Screenshots go to {@code target/devui-screenshots}.
 */
class KinesisDevUiTest {

    static final Path CHROMIUM = Path.of(System.getProperty("devui.chromium", "/usr/bin/chromium"));
    static final int PORT = freePort();
    static final String ORDER = "devui-" + UUID.randomUUID();
    static final String BODY = "{\"order\":\"" + ORDER + "\"}";

    @RegisterExtension
    static final QuarkusDevModeTest test = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(DevUiOrdersApp.class)
                    .addAsResource(new StringAsset("quarkus.http.port=" + PORT + "\n"
                            + "quarkus.messaging.kinesis.devservices.stream-shards.orders=4\n"
                            + "quarkus.messaging.kinesis.health.stream-probe-interval=0s\n"),
                            "application.properties"))
            .setLogRecordPredicate(record -> record.getMessage() != null
                    && record.getMessage().startsWith(DevUiOrdersApp.RECEIVED));

    @Test
    void theCardShowsTheStreamAndItsReadersAndARecordPublishedThereReachesTheApplication() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String reason = "Dev UI browser test skipped: no Chromium at " + CHROMIUM
                    + " (install Debian's chromium package: apt-get install -y chromium, or set -Ddevui.chromium)";
            System.out.println(reason); // surefire's console shows the skip, not its reason
            Assumptions.abort(reason);
        }

        JsonNode seen = runBrowser();

        assertThat(seen.path("streamStatus").asText()).isEqualTo("ACTIVE");
        assertThat(seen.path("openShards").asInt()).isEqualTo(4);
        assertThat(seen.path("shardRows")).hasSize(4);
        assertThat(seen.path("streamChannels").asText()).contains("orders (incoming)");
        assertThat(seen.path("readerStates")).hasSize(4);
        assertThat(seen.path("consumerState").asText()).isEqualTo("running");
        String shard = seen.path("publishedShard").asText();
        assertThat(shard).startsWith("shardId-");
        assertThat(seen.path("lastFetchedOfPublishedShard").asText())
                .as("the reader's last fetched position on the Consumers page")
                .isEqualTo(seen.path("publishedSequence").asText());
        assertThat(seen.path("peekSummary").asText()).contains(shard).as("the window the peek read")
                .containsPattern("(the last (minute|10 minutes|hour|day)|the whole shard \\(from its oldest record\\)) read");
        assertThat(seen.path("peekedData").toString()).as("the peeked record, shown as JSON")
                .contains("\\\"order\\\": \\\"" + ORDER + "\\\"");

        assertThat(test.getLogRecords()).extracting(LogRecord::getMessage)
                .as("what the application's @Incoming method received")
                .contains(DevUiOrdersApp.RECEIVED + BODY);
    }

    private JsonNode runBrowser() throws IOException, InterruptedException {
        Path script = Path.of("src/test/js/devui-check.mjs").toAbsolutePath();
        assertThat(Path.of("../node_modules/playwright-core/package.json").toAbsolutePath().normalize())
                .as("playwright-core installed: run `npm ci` at the project root (package.json)").exists();
        Path screenshots = Path.of("target/devui-screenshots").toAbsolutePath();
        deleteOldScreenshots(screenshots);
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("emulators.node", "node"), script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("DEVUI_BASE_URL", "http://localhost:" + PORT);
        builder.environment().put("DEVUI_OUT_DIR", screenshots.toString());
        builder.environment().put("DEVUI_STREAM", "orders");
        builder.environment().put("DEVUI_BODY", BODY);
        builder.environment().put("DEVUI_CHROMIUM", CHROMIUM.toString());
        Process browser = builder.start();
        String output = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!browser.waitFor(5, TimeUnit.MINUTES)) {
            browser.destroyForcibly();
            throw new AssertionError("the browser script did not finish in 5 minutes: " + output);
        }
        String json = output.lines().filter(line -> line.startsWith("{")).reduce((first, last) -> last).orElse("");
        assertThat(browser.exitValue()).as("browser script (screenshots in %s): %s", screenshots, output).isZero();
        return new ObjectMapper().readTree(json);
    }

    private static void deleteOldScreenshots(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
