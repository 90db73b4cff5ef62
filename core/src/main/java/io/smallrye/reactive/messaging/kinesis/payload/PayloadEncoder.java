package io.smallrye.reactive.messaging.kinesis.payload;

/** Turns an object payload (neither bytes nor text) into the data of a record. */
@FunctionalInterface
public interface PayloadEncoder {

    /**
     * @throws Exception if the payload cannot be written
     */
    byte[] encode(Object payload) throws Exception;
}
