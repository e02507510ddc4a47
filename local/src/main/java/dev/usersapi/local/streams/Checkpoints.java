package dev.usersapi.local.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How far the event source got in each shard: the sequence number of the last record it
 * handed on for good (processed, or dropped to the failure destination), and which shards are
 * finished. Written after every batch, atomically, so after a crash the stream resumes after
 * the last finished batch: a batch in flight at the crash is delivered again, never skipped.
 */
final class Checkpoints {
    private final Optional<Path> file;
    private final Map<String, String> lastSequence = new HashMap<>();
    private final Set<String> finishedShards = new HashSet<>();

    /** {@code file} empty: in memory only, as the data is. */
    Checkpoints(Optional<Path> file) {
        this.file = file;
        file.filter(Files::exists).ifPresent(this::load);
    }

    synchronized Optional<String> lastSequence(String shardId) {
        return Optional.ofNullable(lastSequence.get(shardId));
    }

    synchronized boolean isFinished(String shardId) {
        return finishedShards.contains(shardId);
    }

    synchronized void advance(String shardId, String sequenceNumber) {
        lastSequence.put(shardId, sequenceNumber);
        save();
    }

    synchronized void finish(String shardId) {
        finishedShards.add(shardId);
        save();
    }

    private void load(Path path) {
        try {
            JsonNode json = StreamEventPayloads.JSON.readTree(path.toFile());
            json.path("lastSequence").fields().forEachRemaining(entry -> lastSequence.put(entry.getKey(), entry.getValue().asText()));
            json.path("finishedShards").forEach(shard -> finishedShards.add(shard.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stream checkpoints " + path, e);
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        ObjectNode json = StreamEventPayloads.JSON.createObjectNode();
        ObjectNode sequences = json.putObject("lastSequence");
        lastSequence.forEach(sequences::put);
        finishedShards.forEach(json.putArray("finishedShards")::add);
        try {
            Path target = file.get();
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
            StreamEventPayloads.JSON.writeValue(temporary.toFile(), json);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
