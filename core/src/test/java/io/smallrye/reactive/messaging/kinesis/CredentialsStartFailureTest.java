package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Credentials attributes set at connector level (without Quarkus): a mistake fails the application's start with the
 * attribute and the fix.
 */
class CredentialsStartFailureTest extends WeldTestBase {

    private MapBasedConfig channel() {
        String prefix = "mp.messaging.outgoing.orders-out.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", "orders")
                .with(prefix + "region", "us-east-1")
                .with(prefix + "endpoint-override", "http://127.0.0.1:1");
    }

    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null && messages.size() < 20; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    @Test
    void unknownTypeAtConnectorLevelFailsTheStart() {
        assertThatThrownBy(() -> runApplication(channel()
                .with("mp.messaging.connector.smallrye-kinesis.credentials-type", "iam-magic"),
                OutgoingEmulatorTest.OrdersSender.class))
                .satisfies(failure -> assertThat(messages(failure)).anySatisfy(message -> assertThat(message)
                        .contains("SRKIN2700", "credentials-type", "'iam-magic'", "assume-role")));
    }

    @Test
    void webIdentityWithAnUnreadableTokenFileFailsTheStart() {
        assertThatThrownBy(() -> runApplication(channel()
                .with("mp.messaging.connector.smallrye-kinesis.credentials-type", "web-identity")
                .with("mp.messaging.connector.smallrye-kinesis.credentials-role-arn", "arn:aws:iam::1:role/r")
                .with("mp.messaging.connector.smallrye-kinesis.credentials-web-identity-token-file", "/nonexistent/token"),
                OutgoingEmulatorTest.OrdersSender.class))
                .satisfies(failure -> assertThat(messages(failure)).anySatisfy(message -> assertThat(message)
                        .contains("SRKIN2702", "credentials-web-identity-token-file", "/nonexistent/token")));
    }
}
