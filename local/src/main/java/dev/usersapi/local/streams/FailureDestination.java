package dev.usersapi.local.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a batch goes when the consumer gave up on it: the local stand-in for the event source
 * mapping's on-failure destination (an SQS queue in the cloud). One JSON line per dropped batch,
 * with the same DDBStreamBatchInfo Lambda sends, plus the records themselves.
 */
public final class FailureDestination {
    private final Path file;

    public FailureDestination(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    synchronized void record(ObjectNode failure) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, StreamEventPayloads.JSON.writeValueAsString(failure) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
