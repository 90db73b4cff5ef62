package io.smallrye.reactive.messaging.kinesis.checkpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * What Kinesis says of a stream a channel reads (DescribeStreamSummary), handed to its {@link CheckpointStore} before
 * the first claim: enough to name the stream the way the KCL's multi-stream applications do.
 *
 * @param stream the stream as configured (a name or an ARN)
 * @param streamArn the stream's ARN ({@code arn:aws:kinesis:region:account-id:stream/name})
 * @param createdAt when the stream was created (a stream deleted and created again under the same name has another
 *        creation time); null when Kinesis did not say
 */
public record StreamInfo(String stream, String streamArn, Instant createdAt) {

    public StreamInfo {
        Objects.requireNonNull(stream, "stream");
    }

    /** The stream's name: the end of its ARN, else the stream as configured. */
    public String streamName() {
        if (streamArn != null && streamArn.contains(":stream/")) {
            return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
        }
        return stream;
    }

    /** The account owning the stream, from its ARN (the fifth field); null without an ARN. */
    public String accountId() {
        if (streamArn == null) {
            return null;
        }
        String[] fields = streamArn.split(":", 6);
        return fields.length < 6 || fields[4].isEmpty() ? null : fields[4];
    }

    /**
     * The stream as the KCL's multi-stream applications identify it ({@code StreamIdentifier.serialize()}):
     * {@code account-id:stream-name:creation-epoch-seconds}; null when the account or the creation time is unknown.
     */
    public String kclMultiStreamId() {
        String account = accountId();
        if (account == null || createdAt == null) {
            return null;
        }
        return account + ":" + streamName() + ":" + createdAt.getEpochSecond();
    }
}
