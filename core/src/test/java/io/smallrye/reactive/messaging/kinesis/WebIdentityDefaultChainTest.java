package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.kinesis.test.SigningRecorder;
import io.smallrye.reactive.messaging.kinesis.test.StsStub;

/**
 * EKS IAM roles for service accounts: a JVM started with only AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_REGION
 * (and AWS_ENDPOINT_URL_STS, pointing the SDK's STS client at a loopback stub) sends through a channel that configures
 * no credentials: the default chain assumes the role with the token, and the stream's requests carry its key.
 */
@ExtendWith(KinesisMockExtension.class)
class WebIdentityDefaultChainTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultChainAssumesTheRoleWithTheTokenInAForkedJvm(KinesisMock kinesis) throws Exception {
        String stream = "web-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        Path token = dir.resolve("token");
        String tokenValue = "eyJ-irsa-" + UUID.randomUUID();
        Files.writeString(token, tokenValue);
        // MapBasedConfig writes target/test-classes/META-INF/microprofile-config.properties under the working directory
        Path configDir = Files.createDirectories(dir.resolve("target/test-classes"));
        try (StsStub sts = new StsStub(); SigningRecorder recorder = new SigningRecorder(kinesis.endpoint())) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", configDir + File.pathSeparator + System.getProperty("java.class.path"),
                    WebIdentityMain.class.getName(), stream, recorder.endpoint().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("AWS_"));
            env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
            env.put("AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/irsa-app");
            env.put("AWS_REGION", kinesis.region());
            env.put("AWS_ENDPOINT_URL_STS", sts.endpoint().toString());
            Process process = builder.start();
            boolean exited = process.waitFor(120, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).as("forked JVM finished; output:%n%s", output).isTrue();
            assertThat(process.exitValue()).as("exit value; output:%n%s", output).isZero();
            assertThat(output).contains("SENT 3").doesNotContain(tokenValue);

            assertThat(sts.calls()).isNotEmpty().allSatisfy(call -> {
                assertThat(call.action()).isEqualTo("AssumeRoleWithWebIdentity");
                assertThat(call.parameters()).containsEntry("WebIdentityToken", tokenValue)
                        .containsEntry("RoleArn", "arn:aws:iam::111111111111:role/irsa-app");
            });
            List<String> stubKeys = sts.issued().stream().map(StsStub.Issued::accessKeyId).toList();
            assertThat(recorder.requests()).isNotEmpty()
                    .allSatisfy(signed -> assertThat(stubKeys).contains(signed.accessKeyId()));
        }
        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly("web-0", "web-1", "web-2");
    }
}
