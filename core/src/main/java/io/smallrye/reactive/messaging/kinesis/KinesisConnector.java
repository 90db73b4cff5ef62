package io.smallrye.reactive.messaging.kinesis;

import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.INCOMING;
import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.INCOMING_AND_OUTGOING;
import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.OUTGOING;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.connector.OutboundConnector;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReporter;
import io.smallrye.reactive.messaging.kinesis.checkpoint.CheckpointStore;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClients;
import io.smallrye.reactive.messaging.kinesis.client.StreamProbe;
import io.smallrye.reactive.messaging.kinesis.config.UnknownAttributes;
import io.smallrye.reactive.messaging.kinesis.fault.KinesisFailureHandler;
import io.smallrye.reactive.messaging.kinesis.incoming.KinesisInboundChannel;
import io.smallrye.reactive.messaging.kinesis.inspect.ChannelStream;
import io.smallrye.reactive.messaging.kinesis.metrics.KinesisMetrics;
import io.smallrye.reactive.messaging.kinesis.outgoing.KinesisOutboundChannel;
import io.smallrye.reactive.messaging.kinesis.outgoing.OutgoingSettings;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadCodecs;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadEncoder;
import io.smallrye.reactive.messaging.kinesis.payload.PayloadType;
import io.smallrye.reactive.messaging.kinesis.tracing.KinesisSpans;
import io.smallrye.reactive.messaging.kinesis.tracing.OutgoingTracing;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The {@code smallrye-kinesis} connector: channels backed by Amazon Kinesis Data Streams.
 */
@ApplicationScoped
@Connector(KinesisConnector.CONNECTOR_NAME)
@ConnectorAttribute(name = "stream", type = "string", direction = INCOMING_AND_OUTGOING, description = "The name (or ARN) of the Kinesis stream; defaults to the channel name")
@ConnectorAttribute(name = "streams", type = "string", direction = INCOMING, description = "Several streams read by one incoming channel: a comma-separated list of stream names or ARNs, each listed once; instead of stream (setting both is an error). Every shard of every listed stream is read and merged into the channel's messages; the metadata names each record's stream. max-pending-records bounds each shard, as with one stream. A listed stream that does not exist yet is waited for, as stream is; a stream deleted while read stops its own readers only (the others go on; readiness reports it). With checkpoint-store dynamodb, lease keys take the KCL's multi-stream format (account-id:stream-name:creation-epoch:shard-id), even with one stream listed. With consumer-mode fan-out, a consumer of consumer-name is registered on each stream (consumer-arn cannot be used)")
@ConnectorAttribute(name = "region", type = "string", direction = INCOMING_AND_OUTGOING, description = "The AWS region of the stream; defaults to the AWS default region chain (aws.region, AWS_REGION, profile)")
@ConnectorAttribute(name = "endpoint-override", type = "string", direction = INCOMING_AND_OUTGOING, description = "A Kinesis endpoint URI to use instead of the region's, e.g. a local emulator")
@ConnectorAttribute(name = "client-bean", type = "string", direction = INCOMING_AND_OUTGOING, description = "The @Identifier of a CDI bean of type KinesisAsyncClient to use instead of a client built from region and endpoint-override; the application owns and closes that client")
@ConnectorAttribute(name = "credentials-type", type = "string", direction = INCOMING_AND_OUTGOING, description = "The credentials of the clients built for the channel: 'default' (the AWS SDK default chain: system properties, environment, web identity token (EKS IRSA), profile, container, instance role), 'static', 'profile', 'assume-role', 'web-identity', 'container' (ECS task role, EKS Pod Identity) or 'custom' (a CDI bean). Unset: the host's default (quarkus.messaging.kinesis.credentials.* under Quarkus), else the SDK default chain. Channels with equal region, endpoint and credentials share one client. Ignored with client-bean")
@ConnectorAttribute(name = "credentials-access-key-id", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type static: the access key id (logs show its first 4 characters at most)")
@ConnectorAttribute(name = "credentials-secret-access-key", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type static: the secret access key; never logged")
@ConnectorAttribute(name = "credentials-profile-name", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type profile: the profile; defaults to AWS_PROFILE, else 'default'. It must exist at start")
@ConnectorAttribute(name = "credentials-profile-file", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type profile: a credentials file (format of ~/.aws/credentials) to read the profile from; defaults to the SDK's profile files (~/.aws/credentials and ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE)")
@ConnectorAttribute(name = "credentials-role-arn", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role or web-identity (required): the ARN of the role to assume")
@ConnectorAttribute(name = "credentials-external-id", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role: the external id the role's trust policy requires, if any")
@ConnectorAttribute(name = "credentials-role-session-name", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role or web-identity: the role session name (shown in CloudTrail); defaults to smallrye-kinesis")
@ConnectorAttribute(name = "credentials-role-session-duration", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role: how long the role's credentials last, 15m to 12h (at most the role's maximum session duration); unset: STS's default (1h). Credentials are refreshed in the background 5 minutes before they expire. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds")
@ConnectorAttribute(name = "credentials-web-identity-token-file", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type web-identity (required): the file holding the OIDC token, read again at each refresh; it must be readable at start")
@ConnectorAttribute(name = "credentials-source", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role: the name of the credentials set (credentials.<name>.type, ... on the channel or at connector level) that calls STS; unset: the SDK default chain")
@ConnectorAttribute(name = "credentials-bean", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type custom (required): the @Identifier of a CDI bean of type AwsCredentialsProvider; the application owns it")
@ConnectorAttribute(name = "credentials-sts-endpoint-override", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role or web-identity: an STS endpoint URI to use instead of the region's, e.g. a VPC endpoint")
@ConnectorAttribute(name = "credentials-sts-region", type = "string", direction = INCOMING_AND_OUTGOING, description = "With credentials-type assume-role or web-identity: the region of the STS endpoint; defaults to the channel's region")
@ConnectorAttribute(name = "dynamodb-credentials", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: the name of a credentials set (credentials.<name>.type, ... on the channel or at connector level, same keys as the credentials-* attributes) for the lease table's client, e.g. a role in the account of the table; unset: the channel's credentials")
@ConnectorAttribute(name = "health-enabled", type = "boolean", direction = INCOMING_AND_OUTGOING, description = "Whether the channel reports its state to health checks", defaultValue = "true")
@ConnectorAttribute(name = "retry-backoff", type = "string", direction = INCOMING_AND_OUTGOING, description = "The wait before the first retry: of a record Kinesis refused (outgoing), of a throttled or failed read (incoming), of a dead-letter write; doubled at each further attempt, with jitter. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "100ms")
@ConnectorAttribute(name = "max-retry-backoff", type = "string", direction = INCOMING_AND_OUTGOING, description = "The longest wait between two attempts. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "5s")
@ConnectorAttribute(name = "unknown-attributes", type = "string", direction = INCOMING_AND_OUTGOING, description = "What an attribute of the channel that the connector does not know does at start-up (a typo such as 'buffer-tme', or an outgoing-only attribute set on an incoming channel): 'warn' (a warning naming it and the closest known attribute), 'fail' (the start fails, naming them all) or 'ignore'. Attributes set at connector level (mp.messaging.connector.smallrye-kinesis.*) may belong to either direction", defaultValue = "warn")
@ConnectorAttribute(name = "tracing-enabled", type = "boolean", direction = INCOMING_AND_OUTGOING, description = "Whether the channel records OpenTelemetry spans: a PRODUCER span per sent message (from its acceptance until Kinesis answers), a CONSUMER span per received message. Active only when the application has an OpenTelemetry bean (with quarkus-opentelemetry: when tracing is enabled there); costs nothing otherwise. See tracing-propagation for carrying the trace to consumers", defaultValue = "true")
@ConnectorAttribute(name = "payload-type", type = "string", direction = INCOMING_AND_OUTGOING, description = "Incoming: what the record data becomes: 'bytes' (a byte[], as stored), 'string' (UTF-8 text), 'json-object' or 'json-array' (Vert.x JSON), or a class name (JSON read with Jackson, the application's ObjectMapper if it has one); a record that cannot be read so is nacked and goes through the failure strategy. Outgoing: byte[], String, Vert.x Buffer, JsonObject and JsonArray payloads are written as they are, other objects as JSON with Jackson (with the writer of the class named here, if any). The Quarkus extension sets it from the channel's method and emitter signatures", defaultValue = "bytes")

@ConnectorAttribute(name = "starting-position", type = "string", direction = INCOMING, description = "Where to start reading shards without a checkpoint: 'latest' (records written after the channel started; shards created later by resharding are read from their start), 'trim_horizon' (the oldest records kept), 'at_timestamp' (records written at or after starting-timestamp)", defaultValue = "latest")
@ConnectorAttribute(name = "starting-timestamp", type = "string", direction = INCOMING, description = "With starting-position at_timestamp: an ISO-8601 instant (2024-05-01T12:00:00Z) or epoch milliseconds")
@ConnectorAttribute(name = "poll-interval", type = "string", direction = INCOMING, description = "How long a shard's reader that caught up waits before its next GetRecords call, counted from the start of the previous call (not from its answer): a caught-up shard is read once per poll-interval, whatever the round trip, and at once when an answer took longer. A reader that is behind calls again at once; in any case calls to one shard start at least 200 ms apart (Kinesis allows 5 per second per shard, shared by all applications reading it). A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "200ms")
@ConnectorAttribute(name = "idle-poll-interval", type = "string", direction = INCOMING, description = "The longest wait between GetRecords calls of a shard whose pages come back empty: after each empty page in a row the wait doubles, from poll-interval up to this, each wait counted from the start of the previous call; the first record after a quiet spell may wait that long. Keeps idle shards from taking the read allowance (5 calls per second per shard) other applications share. Set it to poll-interval to poll at a fixed rate. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "1s")
@ConnectorAttribute(name = "max-records", type = "int", direction = INCOMING, description = "The most records asked for in one GetRecords call, 1 to 10000 (never more than the room left under max-pending-records)", defaultValue = "10000")
@ConnectorAttribute(name = "max-pending-records", type = "int", direction = INCOMING, description = "The most records of one shard (user records of aggregated records counted one by one) handed on and not yet acked or nacked; when reached, the shard's reader hands on nothing more and stops calling GetRecords until messages complete. Bounds memory whatever the backlog (plus at most one GetRecords page per shard with aggregated records)", defaultValue = "1000")
@ConnectorAttribute(name = "shard-discovery-interval", type = "string", direction = INCOMING, description = "How often the shards are listed to find new ones (resharding). Children of a closed shard are also found at once from the GetRecords answer. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "30s")
@ConnectorAttribute(name = "lost-position-strategy", type = "string", direction = INCOMING, description = "What a shard's reader does when the position it resumes from no longer exists (the stream was deleted and recreated, or the records were trimmed past the retention period; GetShardIterator answers that the sequence number is not found or invalid): 'trim_horizon' (read the shard again from its oldest record: nothing skipped, records may be delivered again), 'latest' (read from the newest record on: records written since the lost position may be skipped) or 'fail' (the channel fails, naming the shard, the position and the stream). Logged once per occurrence at WARN", defaultValue = "trim_horizon")
@ConnectorAttribute(name = "failure-strategy", type = "string", direction = INCOMING, description = "What a nacked message does: 'fail' (the channel stops, health reports it), 'ignore' (logged, reading goes on), 'dead-letter-stream' (the record is written to dead-letter-stream, reading goes on), or the @Identifier of a KinesisFailureHandler.Factory bean", defaultValue = "fail")
@ConnectorAttribute(name = "dead-letter-stream", type = "string", direction = INCOMING, description = "With failure-strategy dead-letter-stream: the stream (name or ARN) nacked records are written to, with their partition key, through the channel's client")
@ConnectorAttribute(name = "checkpoint-store", type = "string", direction = INCOMING, description = "Where the position up to which every record of a shard was processed is kept: 'in-memory' (one node; lost at restart), 'dynamodb' (a lease table shared by every node of the application: each shard read by one node at a time, progress kept across restarts, KCL lease table format), or the @Identifier of a CheckpointStore.Factory bean", defaultValue = "in-memory")
@ConnectorAttribute(name = "application-name", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: the name of the lease table, as a KCL application name (the table is created if absent). Defaults to the application's name (quarkus.application.name under Quarkus), else the channel name. Each incoming channel needs a table of its own")
@ConnectorAttribute(name = "worker-id", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: the name of this node in the lease table (leaseOwner); unique per running instance. Defaults to the host name plus a random suffix")
@ConnectorAttribute(name = "failover-time", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: how long a lease whose holder stopped renewing it is kept before another node takes it. Holders renew every third of it; nodes look for leases to take every half of it. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "10s")
@ConnectorAttribute(name = "lease-table-billing-mode", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: the billing mode of a lease table created by the connector: 'pay_per_request' or 'provisioned' (with lease-table-capacity)", defaultValue = "pay_per_request")
@ConnectorAttribute(name = "lease-table-capacity", type = "long", direction = INCOMING, description = "With lease-table-billing-mode provisioned: the read and the write capacity units of a lease table created by the connector", defaultValue = "10")
@ConnectorAttribute(name = "lease-cleanup-enabled", type = "boolean", direction = INCOMING, description = "With checkpoint-store dynamodb: whether leases no longer needed are deleted from the lease table, as the KCL does: the lease of a shard read to its end once every child shard has a checkpoint (its reading has begun) and the leases of the shard's own parents are gone, and the lease of a shard the stream no longer has (past the retention period). One node cleans at a time (the one with the smallest worker id among the lease holders); deletes are conditional, so a lease written meanwhile is kept", defaultValue = "true")
@ConnectorAttribute(name = "lease-cleanup-interval", type = "string", direction = INCOMING, description = "With lease-cleanup-enabled: how often the leases of shards read to their end are checked and deleted when their children have started (the KCL's completed-lease clean-up interval). A failed delete is tried again at the next check. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "5m")
@ConnectorAttribute(name = "garbage-lease-cleanup-interval", type = "string", direction = INCOMING, description = "With lease-cleanup-enabled: how often the leases of shards the stream no longer has are deleted (the KCL's garbage-lease clean-up interval). A lease counts as such only when its shard was missing from every complete shard listing of this channel (shard-discovery-interval) for at least this long, at least two listings; a failed or partial listing counts for nothing. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "30m")
@ConnectorAttribute(name = "lease-graceful-handoff", type = "boolean", direction = INCOMING, description = "With checkpoint-store dynamodb: whether a lease taken from a live node for balance is handed over gracefully, the KCL 3 way, so that no record is processed twice: the taking node marks the lease (checkpointOwner), the holder notices at its next renewal, stops reading the shard, waits for the records in flight to be processed (at most lease-handoff-timeout), writes its last checkpoint and clears the mark; only then the taking node reads, from that checkpoint. If the holder is gone, the mark is ignored after failover-time. false: the lease is taken at once and the new holder reads after a renewal period and a half, from the holder's last periodic checkpoint (up to checkpoint-interval of records processed twice)", defaultValue = "true")
@ConnectorAttribute(name = "lease-handoff-timeout", type = "string", direction = INCOMING, description = "With lease-graceful-handoff: how long a holder handing a lease over waits for its records in flight before it writes its last checkpoint and gives the lease up anyway (the KCL's graceful lease hand-off timeout); records completed later are processed again by the next holder. The taking node waits this long, plus a renewal period and failover-time, before it takes the lease without the holder. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "30s")
@ConnectorAttribute(name = "dynamodb-endpoint-override", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: a DynamoDB endpoint URI to use instead of the region's, e.g. a local emulator. The region and credentials are the channel's")
@ConnectorAttribute(name = "dynamodb-client-bean", type = "string", direction = INCOMING, description = "With checkpoint-store dynamodb: the @Identifier of a CDI bean of type DynamoDbAsyncClient to use instead of a client built from region and dynamodb-endpoint-override; the application owns and closes it")
@ConnectorAttribute(name = "checkpoint-interval", type = "string", direction = INCOMING, description = "How often processed positions are handed to the checkpoint store (also when a closed shard is done and at shutdown). A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "5s")
@ConnectorAttribute(name = "deaggregation", type = "boolean", direction = INCOMING, description = "Whether KPL aggregated records are unpacked: each user record becomes a message of its own (partition key, explicit hash key, the record's sequence number and a sub-sequence number), acked and checkpointed on its own. When false, an aggregated record is delivered as one message, as stored", defaultValue = "true")
@ConnectorAttribute(name = "batch", type = "boolean", direction = INCOMING, description = "Whether each message carries the records of one GetRecords page of one shard as a List payload (user records of aggregated records one by one, each decoded as payload-type says), with IncomingKinesisBatchMetadata giving each record's metadata, instead of one message per record. Acking the batch acks every record in it; nacking it hands the batch to the failure strategy (dead-letter-stream writes each record). A batch holds at most max-records Kinesis records and never more than max-pending-records records", defaultValue = "false")
@ConnectorAttribute(name = "consumer-mode", type = "string", direction = INCOMING, description = "How the channel gets the records of its shards: 'polling' (GetRecords calls paced by demand and poll-interval; 5 calls and 2 MB per second per shard, shared by every application reading the stream) or 'fan-out' (enhanced fan-out: Kinesis pushes records over HTTP/2 to a registered stream consumer, SubscribeToShard, with 2 MB per second per shard for this consumer alone and lower latency; AWS bills it per consumer-shard hour and per GB). Fan-out needs an HTTP/2 Kinesis client: clients built by the connector use HTTP/2 for such channels (also over plain http:// endpoints, as h2c), an HTTP protocol setting of http1.1 or the crt HTTP client (quarkus.messaging.kinesis.http-client.protocol / .type under Quarkus) fail at start. poll-interval, idle-poll-interval and max-records do not apply to fan-out", defaultValue = "polling")
@ConnectorAttribute(name = "consumer-name", type = "string", direction = INCOMING, description = "With consumer-mode fan-out: the name of the stream consumer the channel registers if absent (RegisterStreamConsumer) and waits for until ACTIVE; 1 to 128 letters, digits, '_', '.' or '-'. Defaults to application-name (under Quarkus: quarkus.application.name), else the channel name. Channels of one application that read the same stream need consumer names of their own (Kinesis allows one subscription per consumer and shard)")
@ConnectorAttribute(name = "consumer-arn", type = "string", direction = INCOMING, description = "With consumer-mode fan-out: the ARN of an existing stream consumer, used as it is (never registered, waited for until ACTIVE); instead of consumer-name")
@ConnectorAttribute(name = "consumer-deregister-on-stop", type = "boolean", direction = INCOMING, description = "With consumer-mode fan-out: whether the channel deregisters its stream consumer (DeregisterStreamConsumer) when it stops. Off by default: a registered consumer outlives restarts and is shared by the nodes of the application; it is billed while registered and subscribed", defaultValue = "false")

@ConnectorAttribute(name = "buffer-time", type = "string", direction = OUTGOING, description = "The longest a message waits in the buffer before its batch is sent. A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "500ms")
@ConnectorAttribute(name = "max-batch-records", type = "int", direction = OUTGOING, description = "The most records in one PutRecords request, 1 to 500", defaultValue = "500")
@ConnectorAttribute(name = "max-batch-bytes", type = "long", direction = OUTGOING, description = "The most bytes (data plus partition keys) in one PutRecords request; a batch is sent as soon as it would exceed it. Up to the PutRecords request limit of 10 MiB", defaultValue = "1048576")
@ConnectorAttribute(name = "max-record-bytes", type = "long", direction = OUTGOING, description = "The largest record (data plus partition key) accepted; larger messages are nacked. 1 MiB is the Kinesis default; up to 10 MiB for streams that opted in", defaultValue = "1048576")
@ConnectorAttribute(name = "max-in-flight", type = "int", direction = OUTGOING, description = "The most PutRecords requests under way at once for this channel", defaultValue = "5")
@ConnectorAttribute(name = "max-buffered-records", type = "int", direction = OUTGOING, description = "The most messages held by the channel (buffered or in flight), an upper limit of its adaptive bound: the channel holds at most what its measured send rate sends in half of shutdown-timeout (at least one full request). When reached, the channel stops requesting messages and the Emitter's overflow strategy applies", defaultValue = "10000")
@ConnectorAttribute(name = "max-buffered-bytes", type = "long", direction = OUTGOING, description = "The most bytes held by the channel (buffered or in flight), an upper limit of its adaptive bound (what its measured send rate sends in half of shutdown-timeout, at least max-batch-bytes); when reached, the channel stops requesting messages. Must be at least max-record-bytes", defaultValue = "33554432")
@ConnectorAttribute(name = "max-retries", type = "int", direction = OUTGOING, description = "How many times a record that Kinesis refused for a reason that may pass (throttling, internal failure, stream not found, connection error) is sent again before its message is nacked; errors that retrying cannot fix (invalid argument, validation, access denied, KMS key errors, unknown error codes) are nacked after the first attempt", defaultValue = "8")
@ConnectorAttribute(name = "shutdown-timeout", type = "string", direction = OUTGOING, description = "At shutdown, how long the channel may take to send what it holds and what its upstream (an Emitter's buffer) already accepted, and wait for requests in flight; messages still unsent then are nacked. Also sizes the adaptive bound: the channel holds at most what it sends in half of this time. Keep it well within the platform's grace period (Kubernetes: terminationGracePeriodSeconds, 30 s by default). A duration: 500ms, 2s, 1m, 1h, 1d, ISO-8601 (PT0.5S), or a bare number of seconds", defaultValue = "10s")
@ConnectorAttribute(name = "ordering", type = "string", direction = OUTGOING, description = "Ordering of records with the same partition key. 'strict': at most one record per key in flight, so a retried record is never overtaken; 'relaxed': records of a key travel in one request at a time, in order, but a record refused while a later one of the same request is accepted is overtaken; 'none': no per-key constraint, most parallelism", defaultValue = "strict")
@ConnectorAttribute(name = "aggregation", type = "boolean", direction = OUTGOING, description = "Whether to pack messages bound for the same shard into KPL aggregated records (readable by the KCL, the KPL's consumers and this connector), so a shard takes far more small messages per second. Needs ListShards permission for the shard map", defaultValue = "false")
@ConnectorAttribute(name = "tracing-propagation", type = "string", direction = OUTGOING, description = "How the trace context reaches consumers: 'none' (records are exactly the data sent, readable by any consumer) or 'envelope' (each record, each user record of an aggregated record, starts with a small documented envelope holding the W3C traceparent and tracestate, 63 bytes plus the tracestate, counted against max-record-bytes). Incoming channels of this connector unwrap envelopes whatever this attribute says; other consumers must unwrap them (see the Tracing page)", defaultValue = "none")
@ConnectorAttribute(name = "aggregation-max-bytes", type = "long", direction = OUTGOING, description = "The largest aggregated record (data plus partition key), at most max-record-bytes; the KPL's default is 51200", defaultValue = "51200")
public class KinesisConnector implements InboundConnector, OutboundConnector, HealthReporter {

    public static final String CONNECTOR_NAME = "smallrye-kinesis";

    @Inject
    KinesisClients clients;

    @Inject
    ExecutionHolder executionHolder;

    @Inject
    @Any
    Instance<KinesisFailureHandler.Factory> failureHandlers;

    @Inject
    @Any
    Instance<CheckpointStore.Factory> checkpointStores;

    /**
     * Where the application's Jackson ObjectMapper is looked up, when Jackson is on the class path. Not an
     * {@code @Any Instance<Object>}: that would make every bean of the application a candidate, and Quarkus would
     * keep them all (the Quarkus extension keeps the ObjectMapper bean instead).
     */
    @Inject
    BeanManager beanManager;

    /** The host's metrics (the Quarkus extension provides one when Micrometer is present); none otherwise. */
    @Inject
    Instance<KinesisMetrics> metricsBeans;

    /** The application's OpenTelemetry (quarkus-opentelemetry provides one); no spans without it. */
    @Inject
    Instance<OpenTelemetry> openTelemetryBeans;

    private final List<KinesisInboundChannel> inboundChannels = new CopyOnWriteArrayList<>();
    private final List<KinesisOutboundChannel> outboundChannels = new CopyOnWriteArrayList<>();
    /** The streams of the channels, with their clients, in the order the channels were created: for tools. */
    private final List<ChannelStream> channelStreams = new CopyOnWriteArrayList<>();
    /** Readiness probes of the channels' streams (one per stream), by channel; with health on and a probe interval. */
    private final Map<String, List<StreamProbe>> streamProbes = new ConcurrentHashMap<>();

    private PayloadCodecs payloadCodecs;
    private final UnknownAttributes unknownAttributes = new UnknownAttributes();

    @PostConstruct
    void init() {
        payloadCodecs = new PayloadCodecs(applicationObjectMapper());
    }

    private Object applicationObjectMapper() {
        Class<?> mapperClass = PayloadCodecs.objectMapperClass();
        if (mapperClass == null) {
            return null;
        }
        // the default one: an application may have other, qualified, mappers for other purposes
        Instance<?> mapper = beanManager.createInstance().select(mapperClass, Default.Literal.INSTANCE);
        return mapper.isResolvable() ? mapper.get() : null;
    }

    private Tracer tracer(boolean enabled) {
        return KinesisSpans.tracer(enabled, enabled && openTelemetryBeans.isResolvable() ? openTelemetryBeans.get() : null);
    }

    private KinesisMetrics metrics() {
        return metricsBeans.isResolvable() ? metricsBeans.get() : KinesisMetrics.NONE;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config config) {
        KinesisConnectorIncomingConfiguration conf = new KinesisConnectorIncomingConfiguration(config);
        unknownAttributes.check(config, true, conf.getUnknownAttributes());
        KinesisAsyncClient client = clients.clientFor(conf);
        KinesisInboundChannel channel = new KinesisInboundChannel(conf, client,
                executionHolder.vertx().getDelegate(), failureHandlers, checkpointStores, payloadCodecs, metrics(),
                tracer(conf.getTracingEnabled()));
        inboundChannels.add(channel);
        for (String stream : channel.streams()) {
            channelStreams.add(new ChannelStream(conf.getChannel(), true, stream, client));
        }
        probeStreams(client, conf.getChannel(), channel.streams(), conf.getHealthEnabled(), true);
        return channel.getStream();
    }

    /** The incoming channels this connector created, for tools (their {@code snapshot()} is safe from any thread). */
    public List<KinesisInboundChannel> incomingChannels() {
        return List.copyOf(inboundChannels);
    }

    /** The streams of the channels this connector created, incoming and outgoing, with the channels' clients. */
    public List<ChannelStream> channelStreams() {
        return List.copyOf(channelStreams);
    }

    /** The incoming channel of that name, if this connector created it. */
    KinesisInboundChannel inboundChannel(String name) {
        return inboundChannels.stream().filter(channel -> channel.channel().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Flow.Subscriber<? extends Message<?>> getSubscriber(Config config) {
        KinesisConnectorOutgoingConfiguration conf = new KinesisConnectorOutgoingConfiguration(config);
        unknownAttributes.check(config, false, conf.getUnknownAttributes());
        OutgoingSettings settings = OutgoingSettings.from(conf);
        KinesisAsyncClient client = clients.clientFor(conf);
        PayloadEncoder objectEncoder = payloadCodecs.objectEncoder(settings.channel(),
                PayloadType.parse(settings.channel(), conf.getPayloadType()));
        KinesisOutboundChannel channel = new KinesisOutboundChannel(settings, client,
                executionHolder.vertx().getDelegate(), metrics(), objectEncoder,
                new OutgoingTracing(tracer(settings.tracingEnabled()), settings.tracingPropagation()));
        outboundChannels.add(channel);
        channelStreams.add(new ChannelStream(settings.channel(), false, settings.stream(), client));
        probeStreams(client, settings.channel(), List.of(settings.stream()), settings.healthEnabled(), false);
        return channel;
    }

    /**
     * @param incoming an incoming channel describes its stream when it starts and is not ready before: its probes
     *        start after one interval (see {@link StreamProbe#startAfterInterval})
     */
    private void probeStreams(KinesisAsyncClient client, String channel, List<String> streams, boolean healthEnabled,
            boolean incoming) {
        Duration interval = clients.settings().streamProbeInterval();
        if (healthEnabled && interval.compareTo(Duration.ZERO) > 0) {
            Vertx vertx = executionHolder.vertx().getDelegate();
            List<StreamProbe> previous = streamProbes.put(channel, streams.stream()
                    .map(stream -> new StreamProbe(client, channel, stream, interval))
                    .map(probe -> incoming ? probe.startAfterInterval(vertx) : probe.start(vertx))
                    .toList());
            if (previous != null) {
                previous.forEach(StreamProbe::close);
            }
        }
    }

    /**
     * Stops the incoming channels (saving their checkpoints) and flushes the outgoing channels, before the clients
     * they use are closed; then releases the clients.
     */
    public void terminate(
            @Observes(notifyObserver = Reception.IF_EXISTS) @Priority(50) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        streamProbes.values().forEach(probes -> probes.forEach(StreamProbe::close));
        streamProbes.clear();
        inboundChannels.forEach(KinesisInboundChannel::close);
        inboundChannels.clear();
        // all channels flush at once, so shutdown takes at most the longest shutdown-timeout, not their sum
        outboundChannels.forEach(KinesisOutboundChannel::beginShutdown);
        outboundChannels.forEach(KinesisOutboundChannel::finishShutdown);
        outboundChannels.clear();
        channelStreams.clear();
        clients.close();
    }

    /**
     * Whether each channel started: attached to the application and, for an incoming channel, its first shard listing
     * done (as the Kafka connector reports its consumers subscribed and producers created).
     */
    @Override
    public HealthReport getStartup() {
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        inboundChannels.forEach(channel -> channel.reportStartup(builder));
        outboundChannels.forEach(channel -> channel.reportStartup(builder));
        return builder.build();
    }

    @Override
    public HealthReport getReadiness() {
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        inboundChannels.forEach(channel -> channel.reportReadiness(builder));
        outboundChannels.forEach(channel -> channel.reportReadiness(builder));
        if (streamProbes.isEmpty()) {
            return builder.build();
        }
        // a channel that is fine by itself is not ready when the probe finds its stream unreachable
        HealthReport.HealthReportBuilder probed = HealthReport.builder();
        for (HealthReport.ChannelInfo info : builder.build().getChannels()) {
            List<StreamProbe> probes = streamProbes.getOrDefault(info.getChannel(), List.of());
            List<String> found = probes.stream().map(StreamProbe::problem).filter(Objects::nonNull).toList();
            String problem = found.isEmpty() ? null : String.join("; ", found);
            if (info.isOk() && problem != null) {
                probed.add(info.getChannel(), false, problem);
            } else {
                probed.add(info.getChannel(), info.isOk(), info.getMessage());
            }
        }
        return probed.build();
    }

    @Override
    public HealthReport getLiveness() {
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        inboundChannels.forEach(channel -> channel.reportLiveness(builder));
        outboundChannels.forEach(channel -> channel.reportLiveness(builder));
        return builder.build();
    }
}
