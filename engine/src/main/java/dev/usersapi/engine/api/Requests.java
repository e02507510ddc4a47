package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.expression.ExpressionException;
import dev.usersapi.engine.expression.Placeholders;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.table.KeySchema;
import dev.usersapi.engine.table.Table;
import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.InvalidValueException;
import dev.usersapi.engine.value.ItemSizes;
import dev.usersapi.engine.value.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading the parts of a request that many operations share, with DynamoDB's checks and messages. */
final class Requests {
    static final long MAX_ITEM_BYTES = 400 * 1024;

    private Requests() {}

    static String string(JsonNode request, String member) {
        JsonNode value = request.get(member);
        if (value == null || value.isNull()) {
            throw DynamoDbException.validation("1 validation error detected: Value null at '" + lowerFirst(member)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value.asText();
    }

    static Optional<String> optionalString(JsonNode request, String member) {
        JsonNode value = request.get(member);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    static String lowerFirst(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    /**
     * ExpressionAttributeNames and -Values, checked in DynamoDB's order: names not empty, their
     * keys {@code #name}; values not empty, their keys {@code :name}, then each value.
     */
    static Placeholders placeholders(JsonNode request) {
        Map<String, String> names = new LinkedHashMap<>();
        if (request.hasNonNull("ExpressionAttributeNames")) {
            JsonNode given = request.get("ExpressionAttributeNames");
            if (given.isEmpty()) {
                throw DynamoDbException.validation("ExpressionAttributeNames must not be empty");
            }
            given.fields().forEachRemaining(field -> {
                if (!field.getKey().matches("#[0-9a-zA-Z_]+")) {
                    throw DynamoDbException.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + field.getKey() + "\"");
                }
                names.put(field.getKey(), field.getValue().asText());
            });
        }
        Map<String, Value> values = new LinkedHashMap<>();
        if (request.hasNonNull("ExpressionAttributeValues")) {
            JsonNode given = request.get("ExpressionAttributeValues");
            if (given.isEmpty()) {
                throw DynamoDbException.validation("ExpressionAttributeValues must not be empty");
            }
            given.fieldNames().forEachRemaining(key -> {
                if (!key.matches(":[0-9a-zA-Z_]+")) {
                    throw DynamoDbException.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
                }
            });
            given.fields().forEachRemaining(field -> {
                try {
                    values.put(field.getKey(), AttributeValues.read(field.getValue()));
                } catch (InvalidValueException e) {
                    throw DynamoDbException.validation("ExpressionAttributeValues contains invalid value: " + e.getMessage()
                            + " for key " + field.getKey());
                }
            });
        }
        return new Placeholders(names, values);
    }

    static Map<String, Value> item(JsonNode json) {
        try {
            return AttributeValues.item(json);
        } catch (InvalidValueException e) {
            throw DynamoDbException.validation(e.getMessage());
        }
    }

    /** A key: exactly the table's key attributes, of their declared types, non-empty. */
    static Map<String, Value> key(Table table, JsonNode json) {
        Map<String, Value> key = item(json);
        KeySchema schema = table.key();
        int expected = schema.rangeName().isPresent() ? 2 : 1;
        if (key.size() != expected || !key.containsKey(schema.hashName())
                || schema.rangeName().filter(range -> !key.containsKey(range)).isPresent()) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        checkKeyAttribute(schema.hashName(), schema.hashType(), key.get(schema.hashName()), true, true);
        schema.rangeName().ifPresent(range -> checkKeyAttribute(range, schema.rangeType().orElseThrow(), key.get(range), true, false));
        return key;
    }

    /** A whole item for PutItem: the key attributes present and valid, index keys of their types, within 400 KB. */
    static void checkItem(Table table, Map<String, Value> item) {
        KeySchema schema = table.key();
        for (Optional<String> name : List.of(Optional.of(schema.hashName()), schema.rangeName())) {
            if (name.isPresent() && !item.containsKey(name.get())) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Missing the key " + name.get() + " in the item");
            }
        }
        checkKeyAttribute(schema.hashName(), schema.hashType(), item.get(schema.hashName()), false, true);
        schema.rangeName().ifPresent(range -> checkKeyAttribute(range, schema.rangeType().orElseThrow(), item.get(range), false, false));
        for (var index : table.indexes()) {
            KeySchema indexKey = index.key();
            checkIndexAttribute(index.name(), indexKey.hashName(), indexKey.hashType(), item.get(indexKey.hashName()));
            indexKey.rangeName().ifPresent(range -> checkIndexAttribute(index.name(), range, indexKey.rangeType().orElseThrow(), item.get(range)));
        }
        if (ItemSizes.of(item) > MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
    }

    /**
     * A key attribute: of its declared type, not empty, and within the key size limits (developer
     * guide, "Service, account, and table quotas": a partition key value at most 2048 bytes, a
     * sort key value at most 1024).
     */
    private static void checkKeyAttribute(String name, String type, Value value, boolean inKey, boolean hash) {
        if (!value.type().equals(type)) {
            throw DynamoDbException.validation(inKey ? "The provided key element does not match the schema"
                    : "One or more parameter values were invalid: Type mismatch for key " + name + " expected: " + type + " actual: " + value.type());
        }
        boolean empty = value instanceof Value.S s && s.value().isEmpty() || value instanceof Value.B b && b.value().length() == 0;
        if (empty) {
            // A Key's empty value is worded apart from an Item's, as DynamoDB words them.
            throw DynamoDbException.validation((inKey ? "One or more parameter values were invalid: " : "One or more parameter values are not valid. ")
                    + "The AttributeValue for a key attribute cannot contain an empty "
                    + (value instanceof Value.S ? "string" : "binary") + " value. Key: " + name);
        }
        long size = value instanceof Value.S s ? s.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                : value instanceof Value.B b ? b.value().length() : 0;
        if (hash && size > 2048) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
        }
        if (!hash && size > 1024) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
        }
    }

    private static void checkIndexAttribute(String index, String name, String type, Value value) {
        if (value == null) {
            return;
        }
        if (!value.type().equals(type)) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for Index Key " + name
                    + " Expected: " + type + " Actual: " + value.type() + " IndexName: " + index);
        }
        boolean empty = value instanceof Value.S s && s.value().isEmpty() || value instanceof Value.B b && b.value().length() == 0;
        if (empty) {
            throw DynamoDbException.validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty "
                    + (value instanceof Value.S ? "string" : "binary") + " value. IndexName: " + index + ", IndexKey: " + name);
        }
    }

    /** An expression error, as DynamoDB answers it. */
    static DynamoDbException invalid(ExpressionException e) {
        return DynamoDbException.validation(e.getMessage());
    }
}
