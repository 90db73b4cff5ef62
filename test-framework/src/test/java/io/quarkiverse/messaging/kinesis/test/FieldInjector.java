package io.quarkiverse.messaging.kinesis.test;

import java.lang.reflect.Field;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;

/** What Quarkus's test injector does, reduced to one object and no class loader switch. */
final class FieldInjector {

    private FieldInjector() {
    }

    static TestInjector into(Object testInstance) {
        return (value, predicate) -> {
            for (Field field : testInstance.getClass().getDeclaredFields()) {
                if (predicate.test(field)) {
                    try {
                        field.setAccessible(true);
                        field.set(testInstance, value);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
    }
}
