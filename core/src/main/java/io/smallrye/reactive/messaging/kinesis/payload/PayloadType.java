package io.smallrye.reactive.messaging.kinesis.payload;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * What the {@code payload-type} attribute of a channel names: how record data becomes the payload of incoming
 * messages, and the type of the payloads an outgoing channel writes.
 *
 * @param kind the conversion
 * @param className for {@link Kind#JSON_CLASS}, the class read from (and written as) JSON with Jackson; else null
 */
public record PayloadType(Kind kind, String className) {

    public static final String ALLOWED = "bytes, string, json-object, json-array, or the name of a class read and written as JSON with Jackson";

    public enum Kind {
        /** The data as it is, a {@code byte[]}. */
        BYTES("bytes"),
        /** The data decoded as UTF-8. */
        STRING("string"),
        /** A Vert.x {@code JsonObject}. */
        JSON_OBJECT("json-object"),
        /** A Vert.x {@code JsonArray}. */
        JSON_ARRAY("json-array"),
        /** An instance of a class, with Jackson. */
        JSON_CLASS(null);

        private final String attributeValue;

        Kind(String attributeValue) {
            this.attributeValue = attributeValue;
        }

        public String attributeValue() {
            return attributeValue;
        }
    }

    public static final PayloadType BYTES = new PayloadType(Kind.BYTES, null);
    public static final PayloadType STRING = new PayloadType(Kind.STRING, null);
    public static final PayloadType JSON_OBJECT = new PayloadType(Kind.JSON_OBJECT, null);
    public static final PayloadType JSON_ARRAY = new PayloadType(Kind.JSON_ARRAY, null);

    /**
     * Reads the attribute. The class names of the built-in kinds ({@code java.lang.String}, {@code byte[]}, the Vert.x
     * JSON types) mean those kinds.
     */
    public static PayloadType parse(String channel, String value) {
        String text = value == null ? "" : value.trim();
        switch (text) {
            case "bytes", "byte[]", "[B":
                return BYTES;
            case "string", "java.lang.String":
                return STRING;
            case "json-object", "io.vertx.core.json.JsonObject":
                return JSON_OBJECT;
            case "json-array", "io.vertx.core.json.JsonArray":
                return JSON_ARRAY;
            default:
                if (text.isEmpty() || !isClassName(text)) {
                    throw KinesisExceptions.ex.invalidAttribute(channel, "payload-type", text, ALLOWED);
                }
                return new PayloadType(Kind.JSON_CLASS, text);
        }
    }

    private static boolean isClassName(String text) {
        for (String part : text.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))
                    || !part.chars().skip(1).allMatch(c -> Character.isJavaIdentifierPart(c) || c == '$')) {
                return false;
            }
        }
        return true;
    }

    /** The attribute value naming this type. */
    @Override
    public String toString() {
        return kind == Kind.JSON_CLASS ? className : kind.attributeValue();
    }
}
