package io.smallrye.reactive.messaging.kinesis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad credentials input fails with a message that names the property and the fix (and no secret); the checks that
 * need the file system run when the provider is created, i.e. when the channel starts.
 */
class CredentialsBadInputTest {

    @TempDir
    Path dir;

    private static CredentialsSpec read(Map<String, String> properties) {
        return CredentialsSpec.read(key -> Optional.ofNullable(properties.get("credentials-" + key)), "credentials-",
                name -> Optional.ofNullable(properties.get(name))).orElseThrow();
    }

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static CredentialsProviders providers() {
        return new CredentialsProviders(id -> null);
    }

    @Test
    void unknownTypeNamesThePropertyAndTheAllowedTypes() {
        assertThatThrownBy(() -> read(props("credentials-type", "anonymous")))
                .hasMessageContainingAll("SRKIN2700", "'anonymous'", "credentials-type", "assume-role", "web-identity",
                        "container", "custom");
    }

    @Test
    void assumeRoleWithoutRoleArnNamesTheMissingProperty() {
        assertThatThrownBy(() -> read(props("credentials-type", "assume-role")))
                .hasMessageContainingAll("SRKIN2701", "credentials-role-arn", "arn:aws:iam::");
    }

    @Test
    void staticWithoutSecretNamesItWithoutShowingTheKey() {
        assertThatThrownBy(() -> read(props("credentials-type", "static", "credentials-access-key-id", "AKIAVISIBLE1")))
                .hasMessageContainingAll("credentials-secret-access-key", "'default'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AKIAVISIBLE1"));
    }

    @Test
    void unreadableTokenFileFailsTheStartWithThePath() {
        CredentialsSpec spec = read(props("credentials-type", "web-identity", "credentials-role-arn",
                "arn:aws:iam::111111111111:role/app", "credentials-web-identity-token-file",
                dir.resolve("missing-token").toString()));
        assertThatThrownBy(() -> providers().provider(spec, "us-east-1"))
                .hasMessageContainingAll("SRKIN2702", "credentials-web-identity-token-file", "missing-token",
                        "no such file");
    }

    @Test
    void missingProfileNamesTheProfilesThatExist() throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other-secret\n");
        CredentialsSpec spec = read(props("credentials-type", "profile", "credentials-profile-name", "kinesis-app",
                "credentials-profile-file", file.toString()));
        assertThatThrownBy(() -> providers().provider(spec, "us-east-1"))
                .hasMessageContainingAll("SRKIN2703", "credentials-profile-name", "'kinesis-app'", "found: other")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("other-secret"));
    }

    @Test
    void profileFromAFileResolvesItsKeys() throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[kinesis-app]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
        CredentialsSpec spec = read(props("credentials-type", "profile", "credentials-profile-name", "kinesis-app",
                "credentials-profile-file", file.toString()));
        assertThat(providers().provider(spec, "us-east-1").resolveCredentials().accessKeyId()).isEqualTo("AKIAPROFILE");
    }

    @Test
    void customWithoutSuchBeanNamesTheIdentifier() {
        CredentialsSpec spec = read(props("credentials-type", "custom", "credentials-bean", "vault"));
        assertThatThrownBy(() -> providers().provider(spec, "us-east-1"))
                .hasMessageContainingAll("SRKIN2705", "credentials-bean", "@Identifier(\"vault\")");
    }

    @Test
    void undefinedSourceSetAndSourceLoopsAreNamed() {
        assertThatThrownBy(() -> read(props("credentials-type", "assume-role", "credentials-role-arn", "arn:r",
                "credentials-source", "base")))
                .hasMessageContainingAll("SRKIN2706", "credentials-source", "credentials.base.type");
        assertThatThrownBy(() -> read(props("credentials-type", "assume-role", "credentials-role-arn", "arn:r",
                "credentials-source", "a", "credentials.a.type", "assume-role", "credentials.a.role-arn", "arn:a",
                "credentials.a.source", "a")))
                .hasMessageContainingAll("SRKIN2707", "a -> a");
    }

    @Test
    void sessionDurationOutsideStsLimitsIsRefused() {
        assertThatThrownBy(() -> read(props("credentials-type", "assume-role", "credentials-role-arn", "arn:r",
                "credentials-role-session-duration", "5m")))
                .hasMessageContainingAll("SRKIN2708", "credentials-role-session-duration", "15m to 12h");
    }

    @Test
    void descriptionMasksTheAccessKeyAndLeavesTheSecretOut() {
        CredentialsSpec spec = read(props("credentials-type", "static", "credentials-access-key-id", "AKIAABCDEFGH",
                "credentials-secret-access-key", "very-secret"));
        assertThat(spec.toString()).contains("AKIA****").doesNotContain("AKIAABCDEFGH").doesNotContain("very-secret");
    }
}
