package io.quarkiverse.messaging.kinesis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

class KinesisTestResourceTest {

    static class TestInstance {
        KinesisCompanion kinesis;
        KinesisTestEmulator emulator;
    }

    @Test
    void startsKinesisMockWithTheStreamsConfiguresTheConnectorInjectsAndStopsIt() {
        KinesisTestResource resource = new KinesisTestResource();
        resource.init(Map.of(KinesisTestResource.STREAMS, "orders:2, prices"));
        Map<String, String> config = resource.start();
        TestInstance test = new TestInstance();
        ProcessHandle process;
        try {
            resource.inject(FieldInjector.into(test));
            assertThat(test.kinesis).isNotNull();
            assertThat(test.emulator).isNotNull();
            assertThat(test.emulator.isRunning()).isTrue();
            process = test.emulator.processHandle();
            assertThat(process.isAlive()).isTrue();

            assertThat(config)
                    .containsEntry("quarkus.messaging.kinesis.endpoint-override", test.emulator.endpoint().toString())
                    .containsEntry("quarkus.messaging.kinesis.region", "us-east-1")
                    .containsEntry("quarkus.messaging.kinesis.credentials.type", "static")
                    .containsKeys("quarkus.messaging.kinesis.credentials.access-key-id",
                            "quarkus.messaging.kinesis.credentials.secret-access-key");
            assertThat(test.kinesis.endpoint()).isEqualTo(test.emulator.endpoint());
            assertThat(test.kinesis.openShards("orders")).isEqualTo(2);
            assertThat(test.kinesis.openShards("prices")).isEqualTo(1);
        } finally {
            resource.stop();
        }
        assertThat(test.emulator.isRunning()).isFalse();
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void readsStreamSpecsAndNamesWhatIsWrongWithABadOne() {
        assertThat(KinesisTestResource.parseStreams(" a:3 ,b,")).containsExactly(Map.entry("a", 3), Map.entry("b", 1));
        assertThat(KinesisTestResource.parseStreams("")).isEmpty();
        assertThatThrownBy(() -> KinesisTestResource.parseStreams("a:1:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a:1:2'")
                .hasMessageContaining("name:shards");
        assertThatThrownBy(() -> KinesisTestResource.parseStreams("a:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a:x'")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> KinesisTestResource.parseStreams("a:0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a:0'");
    }

    @Test
    void theDevServicesCompanionNamesTheMissingEndpointOnlyToTestsThatWantACompanion() {
        KinesisCompanionResource resource = new KinesisCompanionResource();
        resource.setIntegrationTestContext(devServices(Map.of("quarkus.datasource.url", "x")));

        assertThatThrownBy(() -> resource.inject(FieldInjector.into(new TestInstance())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quarkus.messaging.kinesis.endpoint-override")
                .hasMessageContaining("KinesisTestResource");
        WithoutCompanion without = new WithoutCompanion();
        resource.inject(FieldInjector.into(without));
        assertThat(without.name).isNull();
        RunsItsOwnEmulator own = new RunsItsOwnEmulator();
        resource.inject(FieldInjector.into(own));
        assertThat(own.kinesis).isNull();
    }

    @Test
    void theDevServicesCompanionLeavesTestsThatRunTheirOwnEmulatorAlone() {
        KinesisCompanionResource resource = new KinesisCompanionResource();
        resource.setIntegrationTestContext(devServices(Map.of(
                "quarkus.messaging.kinesis.endpoint-override", "http://localhost:1",
                "quarkus.messaging.kinesis.region", "us-east-1",
                "quarkus.messaging.kinesis.credentials.access-key-id", "a",
                "quarkus.messaging.kinesis.credentials.secret-access-key", "s")));
        try {
            TestInstance test = new TestInstance();
            resource.inject(FieldInjector.into(test));
            assertThat(test.kinesis).isNotNull();
            assertThat(test.kinesis.endpoint()).hasToString("http://localhost:1");

            RunsItsOwnEmulator own = new RunsItsOwnEmulator();
            resource.inject(FieldInjector.into(own));
            assertThat(own.kinesis).isNull();
        } finally {
            resource.stop();
        }
    }

    static class WithoutCompanion {
        String name;
    }

    @QuarkusTestResource(value = KinesisTestResource.class, initArgs = @ResourceArg(name = "streams", value = "a"))
    static class RunsItsOwnEmulator {
        KinesisCompanion kinesis;
    }

    private static DevServicesContext devServices(Map<String, String> properties) {
        return new DevServicesContext() {
            @Override
            public Map<String, String> devServicesProperties() {
                return properties;
            }

            @Override
            public Optional<String> containerNetworkId() {
                return Optional.empty();
            }
        };
    }
}
