package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the Kinesis connector. Ids 2000-2999.
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisExceptions {

    KinesisExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisExceptions.class);

    @Message(id = 2000, value = "Invalid configuration of channel '%s': '%s' is '%s', allowed: %s")
    IllegalArgumentException invalidAttribute(String channel, String attribute, String value, String allowed);

    @Message(id = 2001, value = "Record of %d bytes (data plus partition key) for stream '%s' exceeds the limit of %d bytes set by 'max-record-bytes' of channel '%s'")
    IllegalArgumentException recordTooLarge(int size, String stream, long limit, String channel);

    @Message(id = 2390, value = "Record of %d bytes (data plus partition key) for stream '%s' fits the limit of %d bytes set by 'max-record-bytes' of channel '%s', but not with the %d bytes of its trace envelope ('tracing-propagation' is 'envelope')")
    IllegalArgumentException recordTooLargeWithEnvelope(int size, String stream, long limit, String channel,
            int envelopeBytes);

    @Message(id = 2002, value = "Partition key for stream '%s' is empty; Kinesis requires 1 to 256 characters")
    IllegalArgumentException emptyPartitionKey(String stream);

    @Message(id = 2003, value = "Partition key for stream '%s' has %d characters; Kinesis allows at most 256")
    IllegalArgumentException partitionKeyTooLong(String stream, int length);

    @Message(id = 2004, value = "Explicit hash key '%s' for stream '%s' is not a decimal integer between 0 and 2^128-1")
    IllegalArgumentException invalidExplicitHashKey(String key, String stream);

    @Message(id = 2005, value = "Payload of type %s cannot be written to stream '%s' by channel '%s': use byte[], String, a Vert.x Buffer, JsonObject or JsonArray, or add Jackson (com.fasterxml.jackson.core:jackson-databind) to write other objects as JSON")
    IllegalArgumentException unsupportedPayload(String type, String stream, String channel);

    @Message(id = 2006, value = "Payload is null: nothing to write to stream '%s' (channel '%s')")
    IllegalArgumentException nullPayload(String stream, String channel);

    @Message(id = 2007, value = "Stream '%s' was not found in region %s: %s")
    IllegalStateException streamNotFound(String stream, String region, String detail);

    @Message(id = 2008, value = "Channel '%s' is closed: message not sent to stream '%s'")
    IllegalStateException channelClosed(String channel, String stream);

    @Message(id = 2009, value = "Channel '%s': message not sent to stream '%s' within the shutdown timeout of %d ms ('shutdown-timeout')")
    IllegalStateException notSentBeforeShutdown(String channel, String stream, long timeoutMs);

    @Message(id = 2010, value = "No KinesisAsyncClient bean with @Identifier(\"%s\") found, named by 'client-bean' of channel '%s'")
    IllegalStateException clientBeanNotFound(String identifier, String channel);

    @Message(id = 2011, value = "Record for stream '%s' was not written after %d attempt(s): %s: %s")
    String recordFailed(String stream, int attempts, String errorCode, String errorMessage);

    @Message(id = 2012, value = "Channel '%s': no answer from Kinesis for the record to stream '%s' within the shutdown timeout of %d ms ('shutdown-timeout'): it may or may not have been stored. If it is sent again, consumers may see it twice: as two records with the same data and different sequence numbers; put an id in the payload to recognise such duplicates")
    IllegalStateException unansweredBeforeShutdown(String channel, String stream, long timeoutMs);

    @Message(id = 2013, value = "Payload of type %s could not be written as JSON to stream '%s' by channel '%s': %s")
    IllegalArgumentException payloadNotEncoded(String type, String stream, String channel, String detail,
            @Cause Throwable cause);

    @Message(id = 2014, value = "Stream '%s' was not found in region %s after %d attempt(s) ('max-retries' of channel '%s'): %s")
    String streamNotFoundAfterRetries(String stream, String region, int attempts, String channel, String detail);

    // Quarkus-level settings and client defaults: ids 2300-2399

    @Message(id = 2300, value = "Invalid configuration: '%s' is '%s', allowed: %s")
    IllegalArgumentException invalidSetting(String property, String value, String allowed);

    @Message(id = 2301, value = "The AWS CRT HTTP client was chosen ('%s' is 'crt') but is not on the class path: add the dependency software.amazon.awssdk:aws-crt-client, or use 'netty' (allowed: netty, crt)")
    IllegalStateException crtHttpClientMissing(String setting);

    // 2302 (static credentials incomplete) moved to KinesisCredentialsExceptions.missing (2701)

    // configuration checks: 2500-2529

    @Message(id = 2500, value = "Channel '%s' has attributes the smallrye-kinesis connector does not know ('unknown-attributes' is 'fail'; set it to 'warn' or 'ignore' to start anyway): %s")
    IllegalArgumentException unknownAttributes(String channel, String problems);

    @Message(id = 2501, value = "Channel '%s': no AWS region is configured. Set mp.messaging.%s.%s.region, or mp.messaging.connector.smallrye-kinesis.region for every channel%s, or the AWS_REGION environment variable (or the aws.region system property, or the region of the AWS profile)")
    IllegalArgumentException noRegion(String channel, String direction, String channel2, String hostSetting);
}
