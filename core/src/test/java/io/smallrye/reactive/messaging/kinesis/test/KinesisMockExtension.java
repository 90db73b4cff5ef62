package io.smallrye.reactive.messaging.kinesis.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one kinesis-mock per test class (shared with its {@code @Nested} classes), stops it after the class, and sets
 * the {@linkplain KinesisMock#dummyCredentialsProperties() dummy AWS credentials} as system properties meanwhile.
 * <p>
 * Use: {@code @ExtendWith(KinesisMockExtension.class)} on the class, then take a {@link KinesisMock} parameter in a test,
 * a constructor or a {@code @BeforeAll}/{@code @BeforeEach} method. Not for classes run in parallel within one JVM (the
 * system properties are global).
 */
public class KinesisMockExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(KinesisMockExtension.class);
    private static final String KEY = "kinesis-mock";

    private record Running(KinesisMock mock, SystemProperties previousProperties, String ownerId) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (running(context) != null) {
            return; // a @Nested class: the enclosing class's emulator is running (the store looks up its parents)
        }
        KinesisMock mock = new KinesisMock();
        mock.start();
        SystemProperties previous = SystemProperties.set(KinesisMock.dummyCredentialsProperties());
        context.getStore(NAMESPACE).put(KEY, new Running(mock, previous, context.getUniqueId()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running running = running(context);
        if (running == null || !running.ownerId().equals(context.getUniqueId())) {
            return;
        }
        context.getStore(NAMESPACE).remove(KEY);
        try {
            running.mock().stop();
        } finally {
            running.previousProperties().restore();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KinesisMock.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Running running = running(extensionContext);
        if (running == null) {
            throw new IllegalStateException("kinesis-mock is not running: register KinesisMockExtension on the class");
        }
        return running.mock();
    }

    private static Running running(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(KEY, Running.class);
    }
}
