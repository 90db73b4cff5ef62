package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.quarkus.arc.Arc;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Adding the extension does not keep every bean of the application: ArC still removes an application bean nothing
 * uses, while the beans the connector looks up programmatically stay, a client named by {@code client-bean} and the
 * application's ObjectMapper, which then writes the POJO payloads. Nothing here injects those beans (an injection
 * point would keep them anyway): they are looked up through the container.
 */
class UnusedBeanRemovalTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class, NobodyUsesMe.class, AppKinesisClient.class,
                    ShipmentSender.class, Shipment.class, SnakeCase.class))
            .overrideConfigKey("mp.messaging.connector.smallrye-kinesis.client-bean", "app-kinesis")
            .overrideConfigKey("mp.messaging.connector.smallrye-kinesis.buffer-time", "10ms");

    @Inject
    OrdersApp app;

    @Inject
    ShipmentSender shipments;

    @Test
    void anApplicationBeanNothingUsesIsRemoved() {
        assertThat(Arc.container().select(NobodyUsesMe.class).isResolvable()).isFalse();
    }

    @Test
    void theClientBeanNamedByClientBeanIsKeptAndUsed() throws Exception {
        assertThat(Arc.container().select(KinesisAsyncClient.class, Identifier.Literal.of("app-kinesis"))
                .isResolvable()).isTrue();

        CompletableFuture<Void> acked = new CompletableFuture<>();
        app.send(Message.of("order".getBytes(StandardCharsets.UTF_8)).withAck(() -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }));
        acked.get(10, TimeUnit.SECONDS);
        assertThat(Arc.container().select(AppKinesisClient.class, Identifier.Literal.of("app-kinesis")).get().data())
                .contains("order");
    }

    @Test
    void theApplicationsObjectMapperIsKeptAndWritesThePojoPayloads() throws Exception {
        assertThat(Arc.container().select(ObjectMapper.class).isResolvable()).isTrue();

        shipments.send(new Shipment("c-7")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // written by Quarkus's ObjectMapper, which the application customized (snake_case)
        assertThat(Arc.container().select(AppKinesisClient.class, Identifier.Literal.of("app-kinesis")).get().data())
                .contains("{\"customer_id\":\"c-7\"}");
    }

    @ApplicationScoped
    public static class ShipmentSender {

        @Inject
        @Channel("shipments-out")
        Emitter<Shipment> shipments;

        CompletionStage<Void> send(Shipment shipment) {
            return shipments.send(shipment);
        }
    }

    public record Shipment(String customerId) {
    }

    @Singleton
    public static class SnakeCase implements ObjectMapperCustomizer {
        @Override
        public void customize(ObjectMapper mapper) {
            mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }
    }

    /** A plain application bean that no injection point, observer or lookup by type refers to. */
    @ApplicationScoped
    public static class NobodyUsesMe {
    }

    /** Stores every record in one shard. */
    @Singleton
    @Identifier("app-kinesis")
    public static class AppKinesisClient implements KinesisAsyncClient {

        private final List<String> data = new CopyOnWriteArrayList<>();

        List<String> data() {
            return data;
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            request.records().forEach(entry -> data.add(entry.data().asUtf8String()));
            List<PutRecordsResultEntry> results = request.records().stream()
                    .map(entry -> PutRecordsResultEntry.builder().shardId("shardId-000000000000").sequenceNumber("1")
                            .build())
                    .toList();
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(results).failedRecordCount(0)
                    .build());
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }
}
