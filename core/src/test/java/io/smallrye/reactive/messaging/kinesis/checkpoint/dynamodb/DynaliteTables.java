package io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Clients and lease-table helpers for tests against dynalite. */
public final class DynaliteTables {

    private DynaliteTables() {
    }

    public static DynamoDbAsyncClient client(Dynalite dynalite, ExecutionInterceptor... interceptors) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.of(KinesisMock.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(List.of(interceptors)).build())
                .build();
    }

    public static String newTableName() {
        return "leases-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static List<Map<String, AttributeValue>> items(DynamoDbAsyncClient client, String table) {
        return client.scan(b -> b.tableName(table).consistentRead(true)).join().items();
    }

    static LeaseSettings settings(String table, String worker, String failover) {
        return new LeaseSettings("orders-in", "orders", table, worker,
                io.smallrye.reactive.messaging.kinesis.config.DurationParser.parse(failover), false, 10, Lease.TRIM_HORIZON);
    }
}
