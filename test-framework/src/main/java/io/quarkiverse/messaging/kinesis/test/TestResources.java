package io.quarkiverse.messaging.kinesis.test;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;

/** Which test resources a test class declares ({@code @QuarkusTestResource}, {@code @WithTestResource}). */
final class TestResources {

    private static final Set<String> RESOURCE_ANNOTATIONS = Set.of("io.quarkus.test.common.QuarkusTestResource",
            "io.quarkus.test.common.WithTestResource");

    private TestResources() {
    }

    /**
     * Whether the class or a superclass declares the resource. Compared by name: Quarkus may load the test class, its
     * annotations and the resource in other class loaders than this one.
     */
    static boolean runs(Class<?> testClass, Class<?> resource) {
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Annotation annotation : type.getAnnotations()) {
                if (names(annotation, resource.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The annotation, or the repeated annotations it contains, name the resource. */
    private static boolean names(Annotation annotation, String resource) {
        Object value = value(annotation);
        if (value instanceof Class<?> type) {
            return RESOURCE_ANNOTATIONS.contains(annotation.annotationType().getName()) && type.getName().equals(resource);
        }
        if (value instanceof Annotation[] repeated) {
            for (Annotation one : repeated) {
                if (names(one, resource)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Object value(Annotation annotation) {
        try {
            Method value = annotation.annotationType().getMethod("value");
            return value.invoke(annotation);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
