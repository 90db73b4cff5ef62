package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Object payloads on outgoing channels, against kinesis-mock: Vert.x JSON and POJOs are written as JSON; a POJO that
 * cannot be written is nacked with the cause.
 */
@ExtendWith(KinesisMockExtension.class)
class OutgoingPayloadTest extends WeldTestBase {

    static KinesisMock kinesis;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    private static MapBasedConfig channel(String stream) {
        kinesis.createStream(stream, 1);
        return new MapBasedConfig()
                .with("mp.messaging.outgoing.objects-out.connector", KinesisConnector.CONNECTOR_NAME)
                .with("mp.messaging.outgoing.objects-out.stream", stream)
                .with("mp.messaging.outgoing.objects-out.region", kinesis.region())
                .with("mp.messaging.outgoing.objects-out.endpoint-override", kinesis.endpoint().toString())
                .with("mp.messaging.outgoing.objects-out.buffer-time", "50ms");
    }

    private static String newStream() {
        return "po-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void jsonAndPojosAreWrittenAsJson() {
        String stream = newStream();
        ObjectSender app = runApplication(channel(stream), ObjectSender.class);

        app.send(new JsonObject().put("id", 1)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        app.send(new JsonArray().add("a")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        app.send(new Parcel("box", 3)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly("{\"id\":1}", "[\"a\"]", "{\"name\":\"box\",\"weight\":3}");
    }

    @Test
    void theDeclaredPayloadClassWritesWithItsTypeInformation() {
        String stream = newStream();
        ObjectSender app = runApplication(channel(stream)
                .with("mp.messaging.outgoing.objects-out.payload-type", Shape.class.getName()), ObjectSender.class);

        app.send(new Circle(2)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        // written with the writer of Shape, the declared type, so with the subtype's name
        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly("{\"kind\":\"circle\",\"radius\":2}");
    }

    @Test
    void theApplicationsObjectMapperWritesWhenItHasOne() {
        String stream = newStream();
        addBeans(SnakeCaseMapper.class);
        ObjectSender app = runApplication(channel(stream), ObjectSender.class);

        app.send(new Label("1Z999")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly("{\"tracking_code\":\"1Z999\"}");
    }

    @Test
    void aPojoThatCannotBeWrittenIsNackedWithTheCauseAndTheNextOnesGoOn() {
        String stream = newStream();
        ObjectSender app = runApplication(channel(stream), ObjectSender.class);

        Throwable failure = catchThrowable(() -> app.send(new Broken()).toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS).join());
        app.send(new Parcel("after", 1)).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(failure).isInstanceOf(CompletionException.class);
        assertThat(failure.getCause()).hasMessageContaining(Broken.class.getName()).hasMessageContaining(stream)
                .hasMessageContaining("objects-out").hasMessageContaining("no weight today");
        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .containsExactly("{\"name\":\"after\",\"weight\":1}");
    }

    public record Parcel(String name, int weight) {
    }

    public record Label(String trackingCode) {
    }

    @ApplicationScoped
    public static class SnakeCaseMapper {
        @Produces
        @Singleton
        ObjectMapper mapper() {
            return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        }

        /** Another, qualified, mapper: not the one the connector takes. */
        @Produces
        @Singleton
        @Identifier("other")
        ObjectMapper other() {
            return new ObjectMapper();
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes(@JsonSubTypes.Type(value = Circle.class, name = "circle"))
    public interface Shape {
    }

    public record Circle(int radius) implements Shape {
    }

    public static class Broken {
        public int getWeight() {
            throw new IllegalStateException("no weight today");
        }
    }

    @ApplicationScoped
    public static class ObjectSender {
        @Inject
        @Channel("objects-out")
        Emitter<Object> emitter;

        java.util.concurrent.CompletionStage<Void> send(Object payload) {
            return emitter.send(payload);
        }
    }
}
