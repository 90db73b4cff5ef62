package io.quarkiverse.messaging.kinesis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;

class KinesisMockTestResourceTest {

    @Test
    void testResourceCreatesStreamsConfiguresInjectsAndStopsTheProcess() {
        String previousKey = System.getProperty("aws.accessKeyId");
        KinesisMockTestResource resource = new KinesisMockTestResource();
        resource.init(Map.of(KinesisMockTestResource.STREAMS_ARG, "orders:2, prices:1"));
        Map<String, String> config = resource.start();
        TestWithField test = new TestWithField();
        ProcessHandle process;
        try {
            resource.inject(fieldInjector(test));
            KinesisMock mock = test.mock;
            assertThat(mock).isNotNull();
            process = mock.processHandle();
            System.out.printf("kinesis-mock answered %d ms after launch%n", mock.startupTime().toMillis());

            assertThat(config)
                    .containsEntry(KinesisMockTestResource.ENDPOINT_PROPERTY, mock.endpoint().toString())
                    .containsEntry(KinesisMockTestResource.REGION_PROPERTY, "us-east-1")
                    .containsAllEntriesOf(KinesisMock.dummyCredentialsProperties());
            assertThat(System.getProperty("aws.secretAccessKey")).isEqualTo(KinesisMock.SECRET_ACCESS_KEY);
            assertThat(openShards(mock, "orders")).isEqualTo(2);
            assertThat(openShards(mock, "prices")).isEqualTo(1);
        } finally {
            resource.stop();
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(test.mock.isRunning()).isFalse();
        assertThat(portIsFree(test.mock.endpoint().getPort())).isTrue();
        assertThat(portIsFree(test.mock.tlsPort())).isTrue();
        assertThat(System.getProperty("aws.accessKeyId")).isEqualTo(previousKey);
    }

    @Test
    void parsesStreamSpecs() {
        assertThat(KinesisMockTestResource.parseStreams(" a:3 ,b,")).containsExactly(Map.entry("a", 3), Map.entry("b", 1));
        assertThat(KinesisMockTestResource.parseStreams("")).isEmpty();
        assertThatThrownBy(() -> KinesisMockTestResource.parseStreams("a:1:2")).isInstanceOf(IllegalArgumentException.class);
    }

    static class TestWithField {
        KinesisMock mock;
    }

    private static int openShards(KinesisMock mock, String stream) {
        return mock.client().describeStreamSummary(r -> r.streamName(stream)).join()
                .streamDescriptionSummary().openShardCount();
    }

    /** What Quarkus's injector does, reduced to one object and no class loader switch. */
    private static TestInjector fieldInjector(Object testInstance) {
        return (value, predicate) -> {
            for (Field field : testInstance.getClass().getDeclaredFields()) {
                if (predicate.test(field)) {
                    try {
                        field.setAccessible(true);
                        field.set(testInstance, value);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
