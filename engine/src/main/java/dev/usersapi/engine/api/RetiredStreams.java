package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.storage.Store;
import dev.usersapi.engine.stream.TableStream;
import dev.usersapi.engine.table.Table;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams of deleted tables. API reference, DeleteTable: "If you have DynamoDB Streams
 * enabled on the table, then the corresponding stream on that table goes into the DISABLED
 * state, and the stream is automatically deleted after 24 hours." Until then ListStreams lists
 * it under its table's name (a table made again under that name lists both), DescribeStream
 * describes it, closed, and its records are read as before, each trimmed 24 hours after it was
 * written. The store keeps them across a reopen; one found gone leaves the disk.
 */
final class RetiredStreams {
    /** A deleted table's stream, with what DescribeStream says of its table. */
    record Retired(TableStream stream, String tableName, String hashName, Optional<String> rangeName) {}

    private final Map<String, Retired> retired = new ConcurrentHashMap<>();
    private final Store store;

    RetiredStreams(Store store) {
        this.store = store;
    }

    /**
     * The table is dropped from the store, and its streams still kept (all closed, so DISABLED)
     * are kept without it, in the same atomic write.
     */
    void retire(Table table) {
        table.stream(Optional.empty());
        Map<String, String> described = new java.util.LinkedHashMap<>();
        List<Retired> streams = table.streams().stream()
                .map(stream -> new Retired(stream, table.name(), table.key().hashName(), table.key().rangeName())).toList();
        streams.forEach(each -> described.put(each.stream().arn(), describe(each)));
        store.dropTable(table.name(), described);
        streams.forEach(each -> retired.put(each.stream().arn(), each));
        // A latest stream disabled 24 hours ago or more is gone already: its records go with the table.
        table.stream().filter(TableStream::expired).ifPresent(gone -> store.dropStream(gone.arn()));
    }

    private static String describe(Retired retired) {
        TableStream stream = retired.stream();
        ObjectNode json = JsonTrees.object().put("table", retired.tableName()).put("hash", retired.hashName()).put("label", stream.label())
                .put("viewType", stream.viewType()).put("created", stream.created().toEpochMilli())
                .put("closed", stream.closed().orElseThrow().toEpochMilli());
        retired.rangeName().ifPresent(range -> json.put("range", range));
        return JsonTrees.text(json);
    }

    /** The streams the store kept, with their records, as a reopen finds them. */
    void restore(Clock clock) {
        store.retiredStreams().forEach((arn, saved) -> {
            JsonNode json;
            try {
                json = JsonTrees.read(saved);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the stored description of stream " + arn + " is unreadable", e);
            }
            TableStream stream = new TableStream(arn, json.path("label").asText(), json.path("viewType").asText(),
                    Instant.ofEpochMilli(json.path("created").asLong()), clock, store);
            stream.restore();
            stream.close(Instant.ofEpochMilli(json.path("closed").asLong()));
            retired.put(arn, new Retired(stream, json.path("table").asText(), json.path("hash").asText(),
                    Optional.ofNullable(json.path("range").textValue())));
        });
    }

    /** The deleted tables' streams still kept; those gone since are dropped, records and all. */
    List<Retired> kept() {
        for (Retired each : List.copyOf(retired.values())) {
            if (each.stream().expired() && retired.remove(each.stream().arn(), each)) {
                store.dropStream(each.stream().arn());
            }
        }
        return List.copyOf(retired.values());
    }
}
