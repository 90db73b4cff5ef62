package io.quarkiverse.messaging.kinesis.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Checks the exception a failed start threw: some exception of its cause chain must carry all the expected
 * fragments in its message.
 */
final class StartFailures {

    private StartFailures() {
    }

    static void assertSomeCauseMentions(Throwable failure, String... fragments) {
        List<String> messages = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            messages.add(t.getClass().getName() + ": " + t.getMessage());
        }
        assertThat(messages)
                .as("messages of the cause chain of the start failure")
                .anySatisfy(message -> assertThat(message).contains(fragments));
    }
}
