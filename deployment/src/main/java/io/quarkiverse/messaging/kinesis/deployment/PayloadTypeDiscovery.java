package io.quarkiverse.messaging.kinesis.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.PrimitiveType;
import org.jboss.jandex.Type;

import io.smallrye.reactive.messaging.kinesis.payload.PayloadType;

/**
 * Finds the payload-type of channels from the application's signatures, as Quarkus's Kafka extension finds default
 * serializers: an {@code @Incoming} method's first parameter ({@code T}, {@code Message<T>}, {@code Multi<T>},
 * {@code Publisher<Message<T>>}...; further parameters are injected metadata), an {@code @Outgoing} method's return
 * type ({@code T}, {@code Message<T>}, {@code Uni<T>}, {@code CompletionStage<T>}, {@code Multi<T>}...), and
 * {@code @Channel} injection points ({@code Emitter<T>} and {@code MutinyEmitter<T>} for outgoing channels,
 * {@code Multi<T>} and {@code Publisher<T>} for incoming ones). {@code byte[]}, {@code String}, {@code JsonObject} and
 * {@code JsonArray} map to their kinds; another class to its name, only when Jackson is present. {@code Object}, type
 * variables, generic payloads ({@code List<Order>}) and the JDK's other types are left undetected, except that for
 * an incoming channel with {@code batch=true}, the payload is a {@code List<T>} and T decides, as in Quarkus's Kafka
 * extension.
 */
final class PayloadTypeDiscovery {

    static final DotName INCOMING = DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Incoming");
    static final DotName INCOMINGS = DotName.createSimple("io.smallrye.reactive.messaging.annotations.Incomings");
    static final DotName OUTGOING = DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Outgoing");
    static final DotName OUTGOINGS = DotName.createSimple("io.smallrye.reactive.messaging.annotations.Outgoings");
    static final List<DotName> CHANNELS = List.of(
            DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Channel"),
            DotName.createSimple("io.smallrye.reactive.messaging.annotations.Channel"));

    /** Types whose type argument is a message or payload, for a stream of them. */
    static final Set<String> STREAMS = Set.of("io.smallrye.mutiny.Multi", "org.reactivestreams.Publisher",
            "java.util.concurrent.Flow$Publisher",
            "org.eclipse.microprofile.reactive.streams.operators.PublisherBuilder");
    /** Types whose type argument is the one message or payload an @Outgoing method returns. */
    static final Set<String> SINGLES = Set.of("io.smallrye.mutiny.Uni", "java.util.concurrent.CompletionStage",
            "java.util.concurrent.CompletableFuture");
    static final Set<String> EMITTERS = Set.of("org.eclipse.microprofile.reactive.messaging.Emitter",
            "io.smallrye.reactive.messaging.MutinyEmitter", "io.smallrye.reactive.messaging.annotations.Emitter");
    /** The payload types of a batch channel whose type argument is the records' payload type. */
    static final Set<String> LISTS = Set.of("java.util.List", "java.util.Collection", "java.lang.Iterable");
    static final Set<String> MESSAGES = Set.of("org.eclipse.microprofile.reactive.messaging.Message",
            "io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage");

    private final IndexView index;
    private final boolean jackson;
    private final Predicate<String> batch;
    private final Map<String, Map<String, String>> incoming = new TreeMap<>();
    private final Map<String, Map<String, String>> outgoing = new TreeMap<>();
    /** Incoming channels with batch=true whose signature is not a list: the signature, per channel. */
    private final Map<String, String> notLists = new TreeMap<>();

    /**
     * @param jackson whether POJO payloads can be read and written (Jackson is on the class path)
     * @param batch whether an incoming channel has {@code batch=true}: its payloads are {@code List<T>}, T decides
     */
    PayloadTypeDiscovery(IndexView index, boolean jackson, Predicate<String> batch) {
        this.index = index;
        this.jackson = jackson;
        this.batch = batch;
        discover();
    }

    PayloadTypeDiscovery(IndexView index, boolean jackson) {
        this(index, jackson, channel -> false);
    }

    /** The types found for each incoming channel: type to where it was found (more than one type is a conflict). */
    Map<String, Map<String, String>> incoming() {
        return incoming;
    }

    Map<String, Map<String, String>> outgoing() {
        return outgoing;
    }

    /** Incoming channels with {@code batch=true} whose method or injection point does not take a list of payloads. */
    Map<String, String> notLists() {
        return notLists;
    }

    private void discover() {
        for (AnnotationInstance annotation : annotations(INCOMING, INCOMINGS)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.METHOD) {
                MethodInfo method = annotation.target().asMethod();
                if (method.parametersCount() > 0) {
                    String channel = annotation.value().asString();
                    found(incoming, channel, element(channel, streamOrMessage(method.parameterType(0)), method), method);
                }
            }
        }
        for (AnnotationInstance annotation : annotations(OUTGOING, OUTGOINGS)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.METHOD) {
                MethodInfo method = annotation.target().asMethod();
                found(outgoing, annotation.value().asString(), returned(method.returnType()), method);
            }
        }
        for (DotName channel : CHANNELS) {
            for (AnnotationInstance annotation : index.getAnnotations(channel)) {
                Type type = injectedType(annotation.target());
                if (type == null || type.kind() != Type.Kind.PARAMETERIZED_TYPE) {
                    continue;
                }
                String name = type.name().toString();
                Type argument = firstArgument(type);
                if (EMITTERS.contains(name)) {
                    found(outgoing, annotation.value().asString(), message(argument), annotation.target());
                } else if (STREAMS.contains(name)) {
                    String incomingChannel = annotation.value().asString();
                    found(incoming, incomingChannel,
                            element(incomingChannel, streamOrMessage(type), annotation.target()), annotation.target());
                }
            }
        }
    }

    /** @Incoming and @Incomings (repeated) alike. */
    private List<AnnotationInstance> annotations(DotName single, DotName repeated) {
        List<AnnotationInstance> all = new java.util.ArrayList<>(index.getAnnotations(single));
        for (AnnotationInstance container : index.getAnnotations(repeated)) {
            AnnotationValue values = container.value();
            if (values != null) {
                for (AnnotationInstance nested : values.asNestedArray()) {
                    all.add(AnnotationInstance.create(single, container.target(), nested.values()));
                }
            }
        }
        return all;
    }

    private static Type injectedType(AnnotationTarget target) {
        return switch (target.kind()) {
            case FIELD -> target.asField().type();
            case METHOD_PARAMETER -> target.asMethodParameter().type();
            default -> null;
        };
    }

    private static Type streamOrMessage(Type type) {
        if (type.kind() == Type.Kind.PARAMETERIZED_TYPE && STREAMS.contains(type.name().toString())) {
            return message(firstArgument(type));
        }
        return message(type);
    }

    private static Type returned(Type type) {
        if (type.kind() == Type.Kind.PARAMETERIZED_TYPE && SINGLES.contains(type.name().toString())) {
            return message(firstArgument(type));
        }
        return streamOrMessage(type);
    }

    /** The payload of {@code Message<T>}; a bare Message (or a raw stream) says nothing. */
    private static Type message(Type type) {
        if (type == null) {
            return null;
        }
        String name = type.name().toString();
        if (MESSAGES.contains(name) || STREAMS.contains(name) || SINGLES.contains(name)) {
            return type.kind() == Type.Kind.PARAMETERIZED_TYPE && MESSAGES.contains(name) ? firstArgument(type) : null;
        }
        return type;
    }

    /**
     * For a channel with {@code batch=true}, the element type of a {@code List<T>} (or {@code Collection<T>},
     * {@code Iterable<T>}) payload; nothing for another payload (noted in {@link #notLists()} unless it is a bare
     * {@code Message}, {@code Object} or a type variable). For other channels, the payload itself.
     */
    private Type element(String channel, Type payload, Object source) {
        if (payload == null || channel == null || !batch.test(channel)) {
            return payload;
        }
        if (payload.kind() == Type.Kind.PARAMETERIZED_TYPE && LISTS.contains(payload.name().toString())) {
            return firstArgument(payload);
        }
        if (payload.kind() != Type.Kind.TYPE_VARIABLE && !payload.name().toString().equals("java.lang.Object")
                && !LISTS.contains(payload.name().toString())) {
            notLists.putIfAbsent(channel, describe(source) + " (" + payload + ")");
        }
        return null;
    }

    private static Type firstArgument(Type type) {
        if (type.kind() != Type.Kind.PARAMETERIZED_TYPE || type.asParameterizedType().arguments().isEmpty()) {
            return null;
        }
        return type.asParameterizedType().arguments().get(0);
    }

    private void found(Map<String, Map<String, String>> channels, String channel, Type payload, Object source) {
        String type = payloadType(payload);
        if (type != null && channel != null && !channel.isEmpty()) {
            channels.computeIfAbsent(channel, c -> new LinkedHashMap<>()).putIfAbsent(type, describe(source));
        }
    }

    /** The payload-type value for a payload type, or null when it does not decide one. */
    String payloadType(Type payload) {
        if (payload == null) {
            return null;
        }
        if (payload.kind() == Type.Kind.ARRAY) {
            Type component = payload.asArrayType().constituent();
            return payload.asArrayType().dimensions() == 1 && component.kind() == Type.Kind.PRIMITIVE
                    && component.asPrimitiveType().primitive() == PrimitiveType.Primitive.BYTE
                            ? PayloadType.BYTES.toString()
                            : null;
        }
        if (payload.kind() != Type.Kind.CLASS) {
            return null; // primitives, type variables, wildcards, generic payloads
        }
        String name = payload.name().toString();
        switch (name) {
            case "java.lang.String":
                return PayloadType.STRING.toString();
            case "io.vertx.core.json.JsonObject":
                return PayloadType.JSON_OBJECT.toString();
            case "io.vertx.core.json.JsonArray":
                return PayloadType.JSON_ARRAY.toString();
            default:
                if (!jackson || name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("io.vertx.")
                        || name.startsWith("io.smallrye.") || name.startsWith("org.eclipse.microprofile.")
                        || name.startsWith("software.amazon.awssdk.")) {
                    return null;
                }
                return name;
        }
    }

    private static String describe(Object source) {
        if (source instanceof MethodInfo method) {
            return method.declaringClass().name() + "#" + method.name();
        }
        if (source instanceof AnnotationTarget target && target.kind() == AnnotationTarget.Kind.FIELD) {
            return target.asField().declaringClass().name() + "#" + target.asField().name();
        }
        if (source instanceof AnnotationTarget target && target.kind() == AnnotationTarget.Kind.METHOD_PARAMETER) {
            MethodInfo method = target.asMethodParameter().method();
            return method.declaringClass().name() + "#" + method.name() + " parameter "
                    + target.asMethodParameter().position();
        }
        return String.valueOf(source);
    }
}
