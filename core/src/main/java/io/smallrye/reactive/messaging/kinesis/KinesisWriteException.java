package io.smallrye.reactive.messaging.kinesis;

/**
 * The reason a message was nacked by an outgoing channel after Kinesis refused its record: carries the AWS error
 * code (for example {@code ProvisionedThroughputExceededException}) and the number of attempts made.
 */
public class KinesisWriteException extends RuntimeException {

    private final String errorCode;
    private final int attempts;

    public KinesisWriteException(String message, String errorCode, int attempts, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.attempts = attempts;
    }

    public String getErrorCode() {
        return errorCode;
    }

    public int getAttempts() {
        return attempts;
    }
}
