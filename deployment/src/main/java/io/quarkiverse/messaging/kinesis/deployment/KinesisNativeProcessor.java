package io.quarkiverse.messaging.kinesis.deployment;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.smallrye.reactivemessaging.deployment.items.ConnectorManagedChannelBuildItem;
import io.smallrye.reactive.messaging.kinesis.KinesisConnector;
import io.smallrye.reactive.messaging.kinesis.client.KinesisClientSettings;

/**
 * What a native image of an application with Kinesis channels needs, produced at build time. The native build
 * itself cannot run on the project's machines: these items are asserted by deployment tests (NativeBuildItemsTest).
 */
class KinesisNativeProcessor {

    /** Interceptor lists the SDK looks up on the class path when it builds a client. */
    static final List<String> INTERCEPTOR_RESOURCES = List.of(
            "software/amazon/awssdk/global/handlers/execution.interceptors",
            "software/amazon/awssdk/services/kinesis/execution.interceptors");
    /** SDK classes holding a java.util.Random (jittered backoff, cached credentials refresh): seeded at run time. */
    static final List<String> RUNTIME_INITIALIZED = List.of(
            "software.amazon.awssdk.core.retry.backoff.FullJitterBackoffStrategy",
            "software.amazon.awssdk.utils.cache.CachedSupplier");
    /**
     * Credentials classes for reflection: the SDK loads the STS factories of the default chain's web identity and of
     * profiles with role_arn by class name (Class.forName), so without them a native image cannot use IRSA; the
     * providers the connector builds and the HTTP client of its STS clients.
     */
    static final List<String> CREDENTIALS_REFLECTION = List.of(
            "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory",
            "software.amazon.awssdk.services.sts.internal.StsProfileCredentialsProviderFactory",
            "software.amazon.awssdk.services.sts.StsClient",
            "software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider",
            "software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
            "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient");
    static final DotName EXECUTION_INTERCEPTOR = DotName
            .createSimple("software.amazon.awssdk.core.interceptor.ExecutionInterceptor");

    static final DotName INCOMING = DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Incoming");
    static final DotName OUTGOING = DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Outgoing");
    static final DotName CHANNEL = DotName.createSimple("org.eclipse.microprofile.reactive.messaging.Channel");
    static final DotName LEGACY_CHANNEL = DotName.createSimple("io.smallrye.reactive.messaging.annotations.Channel");
    /** Wrappers whose first type argument is the payload (a List's: the records' payload of a batch=true channel). */
    static final Set<String> WRAPPERS = Set.of("org.eclipse.microprofile.reactive.messaging.Message",
            "org.eclipse.microprofile.reactive.messaging.Emitter", "io.smallrye.reactive.messaging.MutinyEmitter",
            "io.smallrye.mutiny.Multi", "io.smallrye.mutiny.Uni", "org.reactivestreams.Publisher",
            "java.util.concurrent.Flow$Publisher", "java.util.concurrent.CompletionStage",
            "java.util.concurrent.CompletableFuture", "io.smallrye.reactive.messaging.kinesis.IncomingKinesisMessage",
            "java.util.List");

    @BuildStep
    void nativeImage(CombinedIndexBuildItem index, BuildProducer<NativeImageResourceBuildItem> resources,
            BuildProducer<RuntimeInitializedClassBuildItem> runtimeInitialized,
            BuildProducer<ReflectiveClassBuildItem> reflective) {
        resources.produce(new NativeImageResourceBuildItem(INTERCEPTOR_RESOURCES));
        reflective.produce(ReflectiveClassBuildItem.builder(CREDENTIALS_REFLECTION).constructors().methods().build());
        RUNTIME_INITIALIZED.forEach(name -> runtimeInitialized.produce(new RuntimeInitializedClassBuildItem(name)));
        // the SDK instantiates the interceptors named in those lists reflectively
        List<String> interceptors = index.getIndex().getAllKnownImplementors(EXECUTION_INTERCEPTOR).stream()
                .map(info -> info.name().toString()).toList();
        if (!interceptors.isEmpty()) {
            reflective.produce(ReflectiveClassBuildItem.builder(interceptors).constructors().build());
        }
    }

    /** Beans looked up programmatically (Instance), which ArC would otherwise remove. */
    @BuildStep
    UnremovableBeanBuildItem unremovableBeans() {
        return UnremovableBeanBuildItem.beanTypes(DotName.createSimple(KinesisClientSettings.class.getName()),
                DotName.createSimple("software.amazon.awssdk.services.kinesis.KinesisAsyncClient"));
    }

    /**
     * The payload classes of the Kinesis channels, from the method and injection point signatures (an @Incoming
     * method's parameter, an @Outgoing method's return type, Emitter&lt;T&gt; and Multi&lt;T&gt; injection points):
     * registered for reflection (methods and fields), so that JSON (de)serialization works in a native image.
     */
    @BuildStep
    void payloadClasses(CombinedIndexBuildItem combinedIndex, List<ConnectorManagedChannelBuildItem> channels,
            BuildProducer<ReflectiveClassBuildItem> reflective) {
        Set<String> kinesisChannels = new TreeSet<>();
        channels.stream().filter(channel -> KinesisConnector.CONNECTOR_NAME.equals(channel.getConnector()))
                .forEach(channel -> kinesisChannels.add(channel.getName()));
        if (kinesisChannels.isEmpty()) {
            return;
        }
        Set<String> payloads = payloadClassNames(combinedIndex.getIndex(), kinesisChannels);
        if (!payloads.isEmpty()) {
            reflective.produce(ReflectiveClassBuildItem.builder(payloads).constructors().methods().fields().build());
        }
    }

    static Set<String> payloadClassNames(IndexView index, Set<String> kinesisChannels) {
        Set<String> payloads = new TreeSet<>();
        for (AnnotationInstance incoming : index.getAnnotations(INCOMING)) {
            if (incoming.target().kind() == AnnotationTarget.Kind.METHOD
                    && kinesisChannels.contains(incoming.value().asString())) {
                MethodInfo method = incoming.target().asMethod();
                method.parameterTypes().forEach(type -> addPayload(type, payloads));
            }
        }
        for (AnnotationInstance outgoing : index.getAnnotations(OUTGOING)) {
            if (outgoing.target().kind() == AnnotationTarget.Kind.METHOD
                    && kinesisChannels.contains(outgoing.value().asString())) {
                addPayload(outgoing.target().asMethod().returnType(), payloads);
            }
        }
        for (DotName channel : List.of(CHANNEL, LEGACY_CHANNEL)) {
            for (AnnotationInstance injection : index.getAnnotations(channel)) {
                if (!kinesisChannels.contains(injection.value().asString())) {
                    continue;
                }
                AnnotationTarget target = injection.target();
                if (target.kind() == AnnotationTarget.Kind.FIELD) {
                    addPayload(target.asField().type(), payloads);
                } else if (target.kind() == AnnotationTarget.Kind.METHOD_PARAMETER) {
                    addPayload(target.asMethodParameter().type(), payloads);
                }
            }
        }
        return payloads;
    }

    private static void addPayload(Type type, Set<String> payloads) {
        if (type.kind() == Type.Kind.PARAMETERIZED_TYPE) {
            if (WRAPPERS.contains(type.name().toString()) && !type.asParameterizedType().arguments().isEmpty()) {
                addPayload(type.asParameterizedType().arguments().get(0), payloads);
            }
            return;
        }
        if (type.kind() != Type.Kind.CLASS) {
            return; // primitives, arrays (byte[]), type variables
        }
        String name = type.name().toString();
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jakarta.")
                || name.startsWith("io.vertx.") || name.startsWith("io.smallrye.")
                || name.startsWith("org.eclipse.microprofile.") || WRAPPERS.contains(name)) {
            return;
        }
        payloads.add(name);
    }
}
