package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Adding the extension does not keep every bean of the application: ArC still removes an application bean nothing
 * uses, while the beans the connector looks up programmatically stay, a client named by {@code client-bean} and the
 * ObjectMapper. Nothing here injects those beans (an injection point would keep them anyway): they are looked up
 * through the container.
 */
class UnusedBeanRemovalTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersApp.class, NobodyUsesMe.class, AppKinesisClient.class))
            .overrideConfigKey("mp.messaging.outgoing.orders-out.client-bean", "app-kinesis")
            .overrideConfigKey("mp.messaging.outgoing.orders-out.buffer-time", "10ms");

    @Inject
    OrdersApp app;

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
        assertThat(Arc.container().select(AppKinesisClient.class, Identifier.Literal.of("app-kinesis")).get().requests())
                .isEqualTo(1);
    }

    @Test
    void theObjectMapperTheConnectorLooksUpIsKept() {
        assertThat(Arc.container().select(ObjectMapper.class).isResolvable()).isTrue();
    }

    /** A plain application bean that no injection point, observer or lookup by type refers to. */
    @ApplicationScoped
    public static class NobodyUsesMe {
    }

    /** Stores every record in one shard. */
    @Singleton
    @Identifier("app-kinesis")
    public static class AppKinesisClient implements KinesisAsyncClient {

        private final AtomicInteger requests = new AtomicInteger();

        int requests() {
            return requests.get();
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            requests.incrementAndGet();
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
