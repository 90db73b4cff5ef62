package io.quarkiverse.messaging.kinesis.it;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A file that lines are appended to, each written straight to the file (no buffer in the JVM, so it survives a
 * kill -9); nothing at all when no path is configured. The demo's test logs ({@link ReceiptLog}, {@link SendLog}).
 */
final class LineFile {

    private final FileOutputStream out;

    LineFile(Optional<String> path, String property) {
        try {
            this.out = path.isPresent() ? new FileOutputStream(path.get(), true) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + property + " " + path.get(), e);
        }
    }

    boolean enabled() {
        return out != null;
    }

    synchronized void append(String line) {
        if (out == null) {
            return;
        }
        try {
            out.write((line + '\n').getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
