package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.kinesis.test.SigningRecorder;
import io.smallrye.reactive.messaging.kinesis.test.StsStub;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * One channel per credentials type against kinesis-mock (behind a recorder of the signing access key), with the
 * connector's log categories at TRACE: each channel's requests carry its own credentials, and no secret key, session
 * token or web identity token appears in the captured log.
 */
@ExtendWith(KinesisMockExtension.class)
class CredentialsTypesEmulatorTest extends WeldTestBase {

    static final List<String> CHANNELS = List.of("c-default", "c-static", "c-profile", "c-assume", "c-web", "c-container",
            "c-custom");
    static final String WEB_TOKEN = "eyJ-web-identity-token-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void everyTypeSignsWithItsOwnCredentialsAndNoSecretIsLogged(KinesisMock kinesis) throws IOException {
        String stream = "types-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        Path profiles = dir.resolve("credentials");
        Files.writeString(profiles,
                "[kinesis-app]\naws_access_key_id = AKIAPROFILEKEY\naws_secret_access_key = profile-secret-1\n");
        Path token = dir.resolve("token");
        Files.writeString(token, WEB_TOKEN);
        String previousContainerUri = System.getProperty("aws.containerCredentialsFullUri");
        try (StsStub sts = new StsStub();
                SigningRecorder recorder = new SigningRecorder(kinesis.endpoint());
                TraceCapture log = TraceCapture.start()) {
            System.setProperty("aws.containerCredentialsFullUri", sts.containerEndpoint().toString());
            MapBasedConfig config = new MapBasedConfig();
            for (String channel : CHANNELS) {
                String prefix = "mp.messaging.outgoing." + channel + ".";
                config.with(prefix + "connector", KinesisConnector.CONNECTOR_NAME).with(prefix + "stream", stream)
                        .with(prefix + "region", kinesis.region())
                        .with(prefix + "endpoint-override", recorder.endpoint().toString())
                        .with(prefix + "buffer-time", "50ms");
            }
            config.with("mp.messaging.outgoing.c-static.credentials-type", "static")
                    .with("mp.messaging.outgoing.c-static.credentials-access-key-id", "AKIASTATICKEY")
                    .with("mp.messaging.outgoing.c-static.credentials-secret-access-key", "static-secret-1")
                    .with("mp.messaging.outgoing.c-profile.credentials-type", "profile")
                    .with("mp.messaging.outgoing.c-profile.credentials-profile-name", "kinesis-app")
                    .with("mp.messaging.outgoing.c-profile.credentials-profile-file", profiles.toString())
                    .with("mp.messaging.outgoing.c-assume.credentials-type", "assume-role")
                    .with("mp.messaging.outgoing.c-assume.credentials-role-arn", "arn:aws:iam::111111111111:role/assumed")
                    .with("mp.messaging.outgoing.c-assume.credentials-sts-endpoint-override", sts.endpoint().toString())
                    .with("mp.messaging.outgoing.c-web.credentials-type", "web-identity")
                    .with("mp.messaging.outgoing.c-web.credentials-role-arn", "arn:aws:iam::111111111111:role/web")
                    .with("mp.messaging.outgoing.c-web.credentials-web-identity-token-file", token.toString())
                    .with("mp.messaging.outgoing.c-web.credentials-sts-endpoint-override", sts.endpoint().toString())
                    .with("mp.messaging.outgoing.c-container.credentials-type", "container")
                    .with("mp.messaging.outgoing.c-custom.credentials-type", "custom")
                    .with("mp.messaging.outgoing.c-custom.credentials-bean", "vault");
            addBeans(VaultCredentials.class);
            Senders senders = runApplication(config, Senders.class);

            for (String channel : CHANNELS) {
                senders.send(channel).orTimeout(30, TimeUnit.SECONDS).join();
            }
            // stop the application: closing providers is logged too
            container.shutdown();

            List<String> stubKeys = sts.issued().stream().map(StsStub.Issued::accessKeyId).toList();
            assertThat(stubKeys).anyMatch(key -> key.startsWith("ASIASTUBASSUMED"))
                    .anyMatch(key -> key.startsWith("ASIASTUBWEB")).anyMatch(key -> key.startsWith("ASIASTUBCONTAINER"));
            List<String> expectedKeys = new ArrayList<>(List.of(KinesisMock.ACCESS_KEY_ID, "AKIASTATICKEY",
                    "AKIAPROFILEKEY", "AKIACUSTOMKEY"));
            expectedKeys.addAll(stubKeys);
            assertThat(recorder.requests()).extracting(SigningRecorder.Signed::accessKeyId).doesNotContainNull()
                    .containsAll(expectedKeys).allMatch(expectedKeys::contains);
            assertThat(sts.calls()).filteredOn(call -> call.action().equals("AssumeRoleWithWebIdentity"))
                    .allSatisfy(call -> assertThat(call.parameters()).containsEntry("WebIdentityToken", WEB_TOKEN));
            assertThat(kinesis.readAll(stream)).hasSize(CHANNELS.size());

            List<String> secrets = new ArrayList<>(List.of("static-secret-1", "profile-secret-1", "custom-secret-1",
                    KinesisMock.SECRET_ACCESS_KEY, WEB_TOKEN, "AKIASTATICKEY", "AKIAPROFILEKEY", "AKIACUSTOMKEY"));
            sts.issued().forEach(issued -> secrets.addAll(List.of(issued.secretAccessKey(), issued.sessionToken())));
            String captured = String.join("\n", log.messages());
            assertThat(captured).as("the capture works: providers are logged").contains("SRKIN1700", "SRKIN1703");
            for (String secret : secrets) {
                assertThat(captured).as("log without secrets").doesNotContain(secret);
            }
        } finally {
            if (previousContainerUri == null) {
                System.clearProperty("aws.containerCredentialsFullUri");
            } else {
                System.setProperty("aws.containerCredentialsFullUri", previousContainerUri);
            }
        }
    }

    @ApplicationScoped
    public static class VaultCredentials {
        @Produces
        @Identifier("vault")
        AwsCredentialsProvider vault() {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIACUSTOMKEY", "custom-secret-1"));
        }
    }

    @ApplicationScoped
    public static class Senders {
        @Inject
        @Channel("c-default")
        Emitter<String> cDefault;
        @Inject
        @Channel("c-static")
        Emitter<String> cStatic;
        @Inject
        @Channel("c-profile")
        Emitter<String> cProfile;
        @Inject
        @Channel("c-assume")
        Emitter<String> cAssume;
        @Inject
        @Channel("c-web")
        Emitter<String> cWeb;
        @Inject
        @Channel("c-container")
        Emitter<String> cContainer;
        @Inject
        @Channel("c-custom")
        Emitter<String> cCustom;

        CompletableFuture<Void> send(String channel) {
            Emitter<String> emitter = switch (channel) {
                case "c-default" -> cDefault;
                case "c-static" -> cStatic;
                case "c-profile" -> cProfile;
                case "c-assume" -> cAssume;
                case "c-web" -> cWeb;
                case "c-container" -> cContainer;
                default -> cCustom;
            };
            return emitter.send(channel).toCompletableFuture();
        }
    }

    /** Every record of the connector's categories, TRACE included, formatted. */
    static final class TraceCapture extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.smallrye.reactive.messaging.kinesis");
        private final Level previous = logger.getLevel();
        private final List<String> messages = new CopyOnWriteArrayList<>();

        static TraceCapture start() {
            TraceCapture capture = new TraceCapture();
            capture.setLevel(Level.ALL);
            capture.logger.setLevel(Level.ALL);
            capture.logger.addHandler(capture);
            return capture;
        }

        List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            messages.add(message + (record.getThrown() == null ? "" : " " + stackTrace(record.getThrown())));
        }

        private static String stackTrace(Throwable thrown) {
            java.io.StringWriter text = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(text));
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(previous);
        }
    }
}
