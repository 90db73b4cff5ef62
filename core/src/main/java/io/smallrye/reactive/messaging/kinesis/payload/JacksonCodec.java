package io.smallrye.reactive.messaging.kinesis.payload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * JSON payloads with Jackson. The only class of the connector that touches Jackson: loaded only after
 * {@link PayloadCodecs} found Jackson on the class path.
 */
final class JacksonCodec {

    private final ObjectMapper mapper;

    /**
     * @param mapperBean the application's {@code ObjectMapper} (its modules and settings), or null for one with the
     *        modules found on the class path that, like Quarkus's, ignores unknown properties
     */
    JacksonCodec(Object mapperBean) {
        this.mapper = mapperBean instanceof ObjectMapper configured ? configured
                : new ObjectMapper().findAndRegisterModules()
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    PayloadDecoder decoder(Class<?> type) {
        ObjectReader reader = mapper.readerFor(type);
        return data -> {
            Object value = reader.readValue(data);
            if (value == null) {
                throw new IllegalArgumentException("the record holds JSON null");
            }
            return value;
        };
    }

    /** @param declared the channel's payload class (its declared type decides polymorphic handling), or null */
    PayloadEncoder encoder(Class<?> declared) {
        ObjectWriter untyped = mapper.writer();
        ObjectWriter typed = declared == null ? untyped : mapper.writerFor(declared);
        return payload -> (declared != null && declared.isInstance(payload) ? typed : untyped)
                .writeValueAsBytes(payload);
    }
}
