package io.smallrye.reactive.messaging.kinesis.payload;

import java.nio.charset.StandardCharsets;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Chooses the decoder of an incoming channel and the object encoder of an outgoing one from their
 * {@code payload-type}. Jackson is optional: it is used only when on the class path, through {@link JacksonCodec},
 * with the application's {@code ObjectMapper} when it has one.
 */
public final class PayloadCodecs {

    static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";

    private static final PayloadDecoder BYTES = data -> data;
    private static final PayloadDecoder STRING = data -> new String(data, StandardCharsets.UTF_8);
    private static final PayloadDecoder JSON_OBJECT = data -> {
        JsonObject json = new JsonObject(Buffer.buffer(data));
        return notNull(json.getMap(), json);
    };
    private static final PayloadDecoder JSON_ARRAY = data -> {
        JsonArray json = new JsonArray(Buffer.buffer(data));
        return notNull(json.getList(), json);
    };

    private final Object objectMapper;
    private volatile JacksonCodec jackson;

    /** @param objectMapper the application's Jackson {@code ObjectMapper}, or null */
    public PayloadCodecs(Object objectMapper) {
        this.objectMapper = objectMapper;
    }

    /** Whether Jackson (jackson-databind) is on the class path. */
    public static boolean jacksonPresent() {
        return loadClass(OBJECT_MAPPER) != null;
    }

    /** Jackson's {@code ObjectMapper} class, or null without Jackson. */
    public static Class<?> objectMapperClass() {
        return loadClass(OBJECT_MAPPER);
    }

    /**
     * The decoder for an incoming channel.
     *
     * @throws IllegalArgumentException naming the channel and attribute if the type is invalid, unknown, or needs
     *         Jackson and Jackson is missing
     */
    public PayloadDecoder decoder(String channel, PayloadType type) {
        return switch (type.kind()) {
            case BYTES -> BYTES;
            case STRING -> STRING;
            case JSON_OBJECT -> JSON_OBJECT;
            case JSON_ARRAY -> JSON_ARRAY;
            case JSON_CLASS -> jackson(channel, type).decoder(payloadClass(channel, type));
        };
    }

    /**
     * How an outgoing channel writes payloads that are neither bytes, text nor Vert.x JSON: as JSON with Jackson
     * (with the writer of the channel's payload class, if it names one); null without Jackson.
     */
    public PayloadEncoder objectEncoder(String channel, PayloadType type) {
        if (type != null && type.kind() == PayloadType.Kind.JSON_CLASS) {
            return jackson(channel, type).encoder(payloadClass(channel, type));
        }
        return jacksonPresent() ? codec().encoder(null) : null;
    }

    private JacksonCodec jackson(String channel, PayloadType type) {
        if (!jacksonPresent()) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "payload-type", type.toString(),
                    "bytes, string, json-object or json-array: a class name needs Jackson "
                            + "(com.fasterxml.jackson.core:jackson-databind) on the class path");
        }
        return codec();
    }

    private JacksonCodec codec() {
        JacksonCodec codec = jackson;
        if (codec == null) {
            codec = new JacksonCodec(objectMapper);
            jackson = codec;
        }
        return codec;
    }

    private static Class<?> payloadClass(String channel, PayloadType type) {
        Class<?> loaded = loadClass(type.className());
        if (loaded == null) {
            throw KinesisExceptions.ex.invalidAttribute(channel, "payload-type", type.className(),
                    PayloadType.ALLOWED + " (no class of that name was found)");
        }
        return loaded;
    }

    /** From the application's class loader first (the thread's), then the connector's. */
    private static Class<?> loadClass(String name) {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] { application, PayloadCodecs.class.getClassLoader() }) {
            if (loader != null) {
                try {
                    return Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // try the next one
                }
            }
        }
        return null;
    }

    private static Object notNull(Object decoded, Object payload) {
        if (decoded == null) {
            throw new IllegalArgumentException("the record holds no JSON value");
        }
        return payload;
    }
}
