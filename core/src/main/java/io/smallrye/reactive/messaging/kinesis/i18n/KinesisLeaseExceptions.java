package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the DynamoDB lease table (checkpoint-store dynamodb). Ids 2400-2499.
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisLeaseExceptions {

    KinesisLeaseExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisLeaseExceptions.class);

    @Message(id = 2400, value = "Channel '%s': worker '%s' does not hold the lease of shard %s in table '%s' (any more): its %s is not written")
    IllegalStateException leaseNotHeld(String channel, String worker, String shardId, String table, String operation);

    @Message(id = 2401, value = "Channel '%s': lost the lease of shard %s in table '%s' to another worker: its %s is not written")
    IllegalStateException leaseLost(String channel, String shardId, String table, String operation);

    @Message(id = 2402, value = "Channel '%s': the lease table '%s' is already used by channel '%s' of this application; set application-name to a table of its own for each incoming channel with checkpoint-store dynamodb")
    IllegalArgumentException tableShared(String channel, String table, String otherChannel);

    @Message(id = 2403, value = "Channel '%s': DynamoDB client bean '%s' (attribute dynamodb-client-bean) not found: no bean of type DynamoDbAsyncClient with @Identifier(\"%s\")")
    IllegalArgumentException dynamoDbClientBeanNotFound(String channel, String beanId, String sameBeanId);

    @Message(id = 2870, value = "Channel '%s': stream '%s' cannot be named in the multi-stream lease keys (account-id:stream-name:creation-epoch:shard-id): DescribeStreamSummary gave ARN %s and creation time %s")
    IllegalStateException streamNotIdentified(String channel, String stream, String arn, String createdAt);

    @Message(id = 2871, value = "Channel '%s': the lease keys of stream '%s' are not known before the stream was described")
    IllegalStateException streamNotDescribedYet(String channel, String stream);
}
