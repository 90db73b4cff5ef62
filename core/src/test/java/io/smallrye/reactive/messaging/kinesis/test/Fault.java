package io.smallrye.reactive.messaging.kinesis.test;

import java.time.Duration;

/**
 * A fault the {@link FaultProxy} applies to HTTP requests: what it does, to which requests ({@code X-Amz-Target}, e.g.
 * {@code GetRecords} or {@code Kinesis_20131202.GetRecords}; {@code null} for all) and to how many of them (the first
 * {@code count} matching requests from the moment it is set; {@code 0} for all).
 *
 * @param kind what happens to a matching request
 * @param target the operation it applies to, {@code null} for every request
 * @param count how many matching requests it applies to, {@code 0} without limit
 * @param delay for {@link Kind#SLOW}: the pause before each chunk of the answer is passed on
 */
public record Fault(Kind kind, String target, int count, Duration delay) {

    /** What the proxy does to a request the fault applies to. */
    public enum Kind {
        /** The request is read and never answered; the connection stays open. */
        HANG,
        /** The request is passed on; each chunk of the answer waits {@code delay} before it is passed back. */
        SLOW,
        /** The request is passed on; about half of the first chunk of the answer is passed back, then a TCP reset. */
        RESET,
        /** Answered by the proxy: HTTP 500 {@code InternalFailure}. */
        HTTP_500,
        /** Answered by the proxy: HTTP 503 {@code ServiceUnavailable}. */
        HTTP_503,
        /** Answered by the proxy: HTTP 400 {@code ProvisionedThroughputExceededException}, as Kinesis throttles. */
        THROTTLE
    }

    public Fault {
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 (no limit) or more: " + count);
        }
        if (kind == Kind.SLOW && (delay == null || delay.isNegative())) {
            throw new IllegalArgumentException("a SLOW fault needs a delay");
        }
    }

    public static Fault hang() {
        return new Fault(Kind.HANG, null, 0, null);
    }

    public static Fault slow(Duration delayPerChunk) {
        return new Fault(Kind.SLOW, null, 0, delayPerChunk);
    }

    public static Fault resetMidResponse() {
        return new Fault(Kind.RESET, null, 0, null);
    }

    public static Fault http500() {
        return new Fault(Kind.HTTP_500, null, 0, null);
    }

    public static Fault http503() {
        return new Fault(Kind.HTTP_503, null, 0, null);
    }

    public static Fault throttle() {
        return new Fault(Kind.THROTTLE, null, 0, null);
    }

    /** The same fault, only for requests of this operation ({@code PutRecords}, {@code DynamoDB_20120810.UpdateItem}). */
    public Fault only(String operation) {
        return new Fault(kind, operation, count, delay);
    }

    /** The same fault, only for the first {@code requests} matching requests. */
    public Fault first(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("first(n) needs n >= 1: " + requests);
        }
        return new Fault(kind, target, requests, delay);
    }

    /** Whether a request with this {@code X-Amz-Target} header (may be null) is one this fault is for. */
    boolean appliesTo(String amzTarget) {
        if (target == null) {
            return true;
        }
        return amzTarget != null && (amzTarget.equals(target) || amzTarget.endsWith("." + target));
    }
}
