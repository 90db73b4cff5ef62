package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * A KCL 3.1.1 consumer of one stream, polling (GetRecords) or in its default mode, enhanced fan-out (it registers a
 * stream consumer named after the application and subscribes to each shard; kinesis-mock has SubscribeToShard,
 * kinesalite has not), leases in dynalite, metrics off, each record's data handed to a sink on the KCL's processing
 * threads.
 * <p>
 * Against dynalite the lease table is created here, with the index LeaseOwnerToLeaseKeyIndex the KCL 3 adds with
 * UpdateTable otherwise (dynalite cannot): the key schemas are the KCL's own ({@link DynamoDBLeaseSerializer}). Shard
 * sync and lease assignment run every second, so the consumer starts in seconds (the KCL still waits 1-30 s at random
 * before its first shard sync when the lease table is empty); neither changes how records are fetched.
 */
final class KclConsumer implements AutoCloseable {

    /** The KCL's default idle time between GetRecords calls of a shard that is caught up (PollingConfig). */
    static final long DEFAULT_IDLE_MILLIS = 1500;

    private final DynamoDbAsyncClient dynamo;
    private final CloudWatchAsyncClient cloudWatch;
    private final Scheduler scheduler;
    private final AtomicInteger initializedShards = new AtomicInteger();

    /**
     * @param idleMillis the idle time between reads when polling, or null for the KCL's default
     * @param fanOut whether it reads with enhanced fan-out (the KCL's default retrieval) instead of polling
     * @param sink gets the data of every record
     */
    KclConsumer(KinesisAsyncClient kinesis, URI dynamoEndpoint, String stream, Long idleMillis, boolean fanOut,
            Consumer<KinesisClientRecord> sink) {
        this(kinesis, dynamoEndpoint, stream, idleMillis, fanOut, InitialPositionInStream.LATEST, sink);
    }

    /** @param position where to start in shards without a checkpoint (the benchmark's leases are always new) */
    KclConsumer(KinesisAsyncClient kinesis, URI dynamoEndpoint, String stream, Long idleMillis, boolean fanOut,
            InitialPositionInStream position, Consumer<KinesisClientRecord> sink) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(KinesisMock.ACCESS_KEY_ID, KinesisMock.SECRET_ACCESS_KEY));
        dynamo = DynamoDbAsyncClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(KinesisMock.REGION))
                .credentialsProvider(credentials).build();
        // never called with metrics off, but the KCL wants one
        cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(dynamoEndpoint)
                .region(Region.of(KinesisMock.REGION)).credentialsProvider(credentials).build();
        String application = "kcl-" + stream;
        createLeaseTable(application);
        ConfigsBuilder configs = new ConfigsBuilder(stream, application, kinesis, dynamo, cloudWatch,
                "worker-" + UUID.randomUUID(), () -> new Processor(sink));
        PollingConfig polling = new PollingConfig(stream, kinesis);
        if (idleMillis != null) {
            polling.idleTimeBetweenReadsInMillis(idleMillis);
        }
        RetrievalConfig retrieval = configs.retrievalConfig().initialPositionInStreamExtended(
                InitialPositionInStreamExtended.newInitialPosition(position));
        if (!fanOut) {
            retrieval.retrievalSpecificConfig(polling);
        }
        scheduler = new Scheduler(configs.checkpointConfig(), configs.coordinatorConfig(),
                configs.leaseManagementConfig().shardSyncIntervalMillis(1000).leaseAssignmentIntervalMillis(1000L),
                configs.lifecycleConfig(), configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                configs.processorConfig(), retrieval);
        Thread thread = new Thread(scheduler, "kcl-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    private void createLeaseTable(String table) {
        DynamoDBLeaseSerializer serializer = new DynamoDBLeaseSerializer();
        List<software.amazon.awssdk.services.dynamodb.model.AttributeDefinition> attributes = new ArrayList<>(
                serializer.getAttributeDefinitions());
        attributes.addAll(serializer.getWorkerIdToLeaseKeyIndexAttributeDefinitions());
        ProvisionedThroughput throughput = ProvisionedThroughput.builder().readCapacityUnits(100L)
                .writeCapacityUnits(100L).build();
        dynamo.createTable(request -> request.tableName(table)
                .keySchema(serializer.getKeySchema())
                .attributeDefinitions(attributes)
                .provisionedThroughput(throughput)
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(serializer.getWorkerIdToLeaseKeyIndexKeySchema())
                        .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                        .provisionedThroughput(throughput)
                        .build()))
                .join();
    }

    /** Shards whose record processor was initialized (the lease is held and reading starts). */
    int initializedShards() {
        return initializedShards.get();
    }

    @Override
    public void close() {
        try {
            scheduler.startGracefulShutdown().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            scheduler.shutdown();
        }
        dynamo.close();
        cloudWatch.close();
    }

    private final class Processor implements ShardRecordProcessor {
        private final Consumer<KinesisClientRecord> sink;

        Processor(Consumer<KinesisClientRecord> sink) {
            this.sink = sink;
        }

        @Override
        public void initialize(InitializationInput input) {
            initializedShards.incrementAndGet();
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            for (KinesisClientRecord record : input.records()) {
                sink.accept(record);
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                // the benchmark's streams are not resharded
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
        }
    }
}
