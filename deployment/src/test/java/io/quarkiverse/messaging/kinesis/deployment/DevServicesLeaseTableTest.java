package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An incoming channel with checkpoint-store=dynamodb and no endpoint at all: Dev Services run kinesis-mock and
 * dynalite, and the channel keeps its leases in a table there, one per shard, held by this application.
 */
class DevServicesLeaseTableTest {

    @RegisterExtension
    static final QuarkusUnitTest config = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrdersConsumer.class))
            .overrideConfigKey("quarkus.application.name", "orders-leases")
            .overrideConfigKey("quarkus.messaging.kinesis.devservices.shards", "2")
            .overrideConfigKey("mp.messaging.incoming.orders-in.checkpoint-store", "dynamodb")
            .overrideConfigKey("mp.messaging.incoming.orders-in.worker-id", "dev-worker");

    @Test
    void theLeaseTableLivesInTheDevServicesDynamoDb() {
        Config config = ConfigProvider.getConfig();
        String endpoint = config.getValue("mp.messaging.connector.smallrye-kinesis.dynamodb-endpoint-override",
                String.class);
        assertThat(endpoint).startsWith("http://localhost:");
        try (DynamoDbAsyncClient dynamoDb = DynamoDbAsyncClient.builder().endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any")))
                .build()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(dynamoDb.listTables().join().tableNames()).contains("orders-leases");
                List<Map<String, AttributeValue>> leases = dynamoDb.scan(b -> b.tableName("orders-leases")).join()
                        .items();
                assertThat(leases).hasSize(2).allSatisfy(lease -> assertThat(lease.get("leaseOwner"))
                        .isEqualTo(AttributeValue.fromS("dev-worker")));
            });
        }
    }
}
