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

    /** What a reopen needs of a record before anyone reads it. */
    record Header(String sequenceNumber, Instant created, String shardId) {}

    static byte[] encode(TableStream.Record record) {
        ObjectNode json = JsonTrees.object().put("seq", record.sequenceNumber()).put("at", record.created().toEpochMilli())
                .put("shard", record.shardId()).put("id", record.eventId()).put("name", record.eventName())
                .put("size", record.sizeBytes()).put("view", record.viewType());
        json.set("keys", AttributeValues.write(record.keys()));
        record.newImage().ifPresent(image -> json.set("new", AttributeValues.write(image)));
        record.oldImage().ifPresent(image -> json.set("old", AttributeValues.write(image)));
        record.userIdentity().ifPresent(principal -> json.put("by", principal));
        return JsonTrees.bytes(json);
    }

    /** What a reopen reads of a record, stored apart from it. */
    static byte[] header(TableStream.Record record) {
        return JsonTrees.bytes(JsonTrees.object().put("seq", record.sequenceNumber()).put("at", record.created().toEpochMilli())
                .put("shard", record.shardId()));
    }

    /**
     * The sequence, time and shard of a stored header, or of a whole record stored before headers were kept apart, read with the streaming parser up to the
     * last of them and no further (records stored before they named their shard: {@code firstShard}).
     */
    static Header header(byte[] stored, String firstShard) {
        try (com.fasterxml.jackson.core.JsonParser parser = JsonTrees.parser(stored)) {
            String sequence = null;
            long at = -1;
            String shard = null;
            parser.nextToken();
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && (sequence == null || at < 0 || shard == null)) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "seq" -> sequence = parser.getText();
                    case "at" -> at = parser.getLongValue();
                    case "shard" -> shard = parser.getText();
                    default -> parser.skipChildren();
                }
            }
            if (sequence == null || at < 0) {
                throw new UncheckedIOException(new IOException("a stored stream record has no sequence number or time"));
            }
            return new Header(sequence, Instant.ofEpochMilli(at), shard == null ? firstShard : shard);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored stream record is unreadable", e);
        }
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
