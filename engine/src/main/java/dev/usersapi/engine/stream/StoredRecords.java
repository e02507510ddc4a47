package dev.usersapi.engine.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Stream records as the store keeps them: JSON, with the images in DynamoDB's attribute-value form. */
final class StoredRecords {
    private StoredRecords() {}

    static byte[] encode(TableStream.Record record) {
        ObjectNode json = JsonTrees.object().put("id", record.eventId()).put("name", record.eventName())
                .put("at", record.created().toEpochMilli()).put("seq", record.sequenceNumber()).put("size", record.sizeBytes())
                .put("view", record.viewType());
        json.set("keys", AttributeValues.write(record.keys()));
        record.newImage().ifPresent(image -> json.set("new", AttributeValues.write(image)));
        record.oldImage().ifPresent(image -> json.set("old", AttributeValues.write(image)));
        record.userIdentity().ifPresent(principal -> json.put("by", principal));
        json.put("shard", record.shardId());
        return JsonTrees.bytes(json);
    }

    /** {@code firstShard}: the shard of a record kept before records named theirs. */
    static TableStream.Record decode(byte[] stored, String firstShard) {
        try {
            JsonNode json = JsonTrees.read(stored);
            return new TableStream.Record(json.path("id").asText(), json.path("name").asText(), Instant.ofEpochMilli(json.path("at").asLong()),
                    AttributeValues.item(json.path("keys")), image(json, "new"), image(json, "old"), json.path("seq").asText(),
                    json.path("size").asLong(), json.path("view").asText(), Optional.ofNullable(json.path("by").textValue()),
                    json.path("shard").asText(firstShard));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored stream record is unreadable", e);
        }
    }

    private static Optional<Map<String, Value>> image(JsonNode json, String name) {
        return json.has(name) ? Optional.of(AttributeValues.item(json.get(name))) : Optional.empty();
    }
}
