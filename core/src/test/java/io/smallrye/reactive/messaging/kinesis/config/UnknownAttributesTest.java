package io.smallrye.reactive.messaging.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.KinesisConnectorOutgoingConfiguration;

class UnknownAttributesTest {

    @Test
    void editDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        assertThat(EditDistance.between("buffer-time", "buffer-time")).isZero();
        assertThat(EditDistance.between("buffer-tme", "buffer-time")).isEqualTo(1);
        assertThat(EditDistance.between("bufer-tmie", "buffer-time")).isEqualTo(2);
        assertThat(EditDistance.between("buffer-timex", "buffer-time")).isEqualTo(1);
        assertThat(EditDistance.between("buffer-tine", "buffer-time")).isEqualTo(1);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void theClosestAttributeIsSuggestedOnlyWhenCloseEnough() {
        Set<String> outgoing = UnknownAttributes.attributes(Direction.OUTGOING);
        Set<String> incoming = UnknownAttributes.attributes(Direction.INCOMING);
        assertThat(UnknownAttributes.closest("buffer-tme", outgoing, incoming)).isEqualTo("buffer-time");
        assertThat(UnknownAttributes.closest("max-retires", outgoing, incoming)).isEqualTo("max-retries");
        assertThat(UnknownAttributes.closest("starting-positon", incoming, outgoing)).isEqualTo("starting-position");
        // environment variable form
        assertThat(UnknownAttributes.closest("BUFFER_TME", outgoing, incoming)).isEqualTo("buffer-time");
        // the other direction is suggested too, when nothing of the channel's is close
        assertThat(UnknownAttributes.closest("pol-interval", outgoing, incoming)).isEqualTo("poll-interval");
        assertThat(UnknownAttributes.closest("completely-unrelated", outgoing, incoming)).isNull();
        assertThat(UnknownAttributes.closest("xyz", outgoing, incoming)).isNull();
    }

    @Test
    void theKnownAttributesAreTheConnectorsByDirection() {
        Set<String> outgoing = UnknownAttributes.attributes(Direction.OUTGOING);
        Set<String> incoming = UnknownAttributes.attributes(Direction.INCOMING);
        assertThat(outgoing).contains("buffer-time", "ordering", "region", "stream", "unknown-attributes")
                .doesNotContain("starting-position", "failure-strategy");
        assertThat(incoming).contains("starting-position", "failure-strategy", "region", "stream",
                "unknown-attributes").doesNotContain("buffer-time", "ordering");
    }

    @Test
    void everyKeyTheGeneratedConfigurationsReadIsKnown() throws Exception {
        assertThat(keysRead(KinesisConnectorOutgoingConfiguration.class))
                .isNotEmpty()
                .allSatisfy(key -> assertThat(UnknownAttributes.attributes(Direction.OUTGOING)
                        .contains(key) || UnknownAttributes.HOST_KEYS.contains(key)).as(key).isTrue());
        assertThat(keysRead(KinesisConnectorIncomingConfiguration.class))
                .isNotEmpty()
                .allSatisfy(key -> assertThat(UnknownAttributes.attributes(Direction.INCOMING)
                        .contains(key) || UnknownAttributes.HOST_KEYS.contains(key)).as(key).isTrue());
    }

    /** The keys a generated configuration class asks its Config for, calling each of its getters. */
    private static Set<String> keysRead(Class<?> configurationClass) throws Exception {
        Set<String> keys = new TreeSet<>();
        Config recording = (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] { Config.class },
                (proxy, method, args) -> {
                    if (args != null && args.length > 0 && args[0] instanceof String key) {
                        keys.add(key);
                    }
                    return switch (method.getName()) {
                        case "getOptionalValue" -> Optional.empty();
                        case "getValue" -> args[1] == String.class ? "x" : null;
                        default -> null;
                    };
                });
        Object configuration = configurationClass.getConstructor(Config.class).newInstance(recording);
        for (Method getter : configurationClass.getMethods()) {
            if (getter.getName().startsWith("get") && getter.getParameterCount() == 0
                    && !Modifier.isStatic(getter.getModifiers()) && getter.getDeclaringClass() != Object.class
                    && !getter.getName().equals("getClass")) {
                try {
                    getter.invoke(configuration);
                } catch (Exception noValue) {
                    // mandatory values absent here: the key was asked for all the same
                }
            }
        }
        return keys;
    }
}
