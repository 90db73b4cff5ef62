package io.smallrye.reactive.messaging.kinesis.client;

/**
 * What a failed Kinesis call means for whoever made it: the one classification the connector's readers, senders and
 * dead-letter writes share ({@link AwsErrors#classify(Throwable)}, {@link AwsErrors#classifyEntry(String)}).
 */
public enum FailureKind {
    /** The service asks to slow down: try again after a backoff. */
    THROTTLED,
    /** Network trouble, a server error, a resource being updated, credentials being refreshed: try again. */
    TRANSIENT,
    /**
     * The stream (or the record asked for) does not exist now: a stream being recreated, an emulator restarted. Tried
     * again while health says why; a reader whose position is gone follows its position-reset policy.
     */
    NOT_FOUND,
    /** A shard iterator older than 5 minutes: get a new one. */
    EXPIRED_ITERATOR,
    /** Retrying cannot succeed: invalid argument, validation, access denied, KMS key unusable, an unknown error code. */
    PERMANENT;

    /** Whether trying again may succeed. */
    public boolean retryable() {
        return this != PERMANENT;
    }
}
