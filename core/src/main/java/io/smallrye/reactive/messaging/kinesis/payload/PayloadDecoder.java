package io.smallrye.reactive.messaging.kinesis.payload;

/** Turns the data of a record into the payload of its message. */
@FunctionalInterface
public interface PayloadDecoder {

    /**
     * @param data the record's data (the message's own copy: the decoder may keep it)
     * @return the payload, never null
     * @throws Exception if the data is not a valid value of the channel's payload type
     */
    Object decode(byte[] data) throws Exception;
}
