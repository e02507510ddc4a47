package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.Map;

/**
 * The JSON type of every request member the engine reads, as DynamoDB's service model declares
 * it. A member of the wrong type is refused before anything runs, as DynamoDB refuses it: a
 * SerializationException. A null member is taken as absent.
 */
final class RequestShapes {
    private enum Kind { STRING, NUMBER, BOOLEAN, OBJECT, ARRAY }

    private static final Map<String, Kind> MEMBERS = Map.ofEntries(
            Map.entry("TableName", Kind.STRING), Map.entry("IndexName", Kind.STRING), Map.entry("Item", Kind.OBJECT),
            Map.entry("Key", Kind.OBJECT), Map.entry("ConditionExpression", Kind.STRING), Map.entry("UpdateExpression", Kind.STRING),
            Map.entry("KeyConditionExpression", Kind.STRING), Map.entry("FilterExpression", Kind.STRING),
            Map.entry("ProjectionExpression", Kind.STRING), Map.entry("ExpressionAttributeNames", Kind.OBJECT),
            Map.entry("ExpressionAttributeValues", Kind.OBJECT), Map.entry("ReturnValues", Kind.STRING),
            Map.entry("ReturnConsumedCapacity", Kind.STRING), Map.entry("ReturnItemCollectionMetrics", Kind.STRING),
            Map.entry("ReturnValuesOnConditionCheckFailure", Kind.STRING), Map.entry("ConsistentRead", Kind.BOOLEAN),
            Map.entry("Limit", Kind.NUMBER), Map.entry("ExclusiveStartKey", Kind.OBJECT), Map.entry("ScanIndexForward", Kind.BOOLEAN),
            Map.entry("Select", Kind.STRING), Map.entry("Segment", Kind.NUMBER), Map.entry("TotalSegments", Kind.NUMBER),
            Map.entry("RequestItems", Kind.OBJECT), Map.entry("AttributeDefinitions", Kind.ARRAY), Map.entry("KeySchema", Kind.ARRAY),
            Map.entry("GlobalSecondaryIndexes", Kind.ARRAY), Map.entry("LocalSecondaryIndexes", Kind.ARRAY),
            Map.entry("GlobalSecondaryIndexUpdates", Kind.ARRAY), Map.entry("BillingMode", Kind.STRING),
            Map.entry("ProvisionedThroughput", Kind.OBJECT), Map.entry("StreamSpecification", Kind.OBJECT), Map.entry("Tags", Kind.ARRAY),
            Map.entry("TagKeys", Kind.ARRAY), Map.entry("ResourceArn", Kind.STRING), Map.entry("ExclusiveStartTableName", Kind.STRING),
            Map.entry("TimeToLiveSpecification", Kind.OBJECT), Map.entry("PointInTimeRecoverySpecification", Kind.OBJECT),
            Map.entry("Keys", Kind.ARRAY), Map.entry("PutRequest", Kind.OBJECT), Map.entry("DeleteRequest", Kind.OBJECT),
            Map.entry("AttributeName", Kind.STRING), Map.entry("AttributeType", Kind.STRING), Map.entry("KeyType", Kind.STRING),
            Map.entry("Projection", Kind.OBJECT), Map.entry("ProjectionType", Kind.STRING), Map.entry("NonKeyAttributes", Kind.ARRAY),
            Map.entry("ReadCapacityUnits", Kind.NUMBER), Map.entry("WriteCapacityUnits", Kind.NUMBER), Map.entry("StreamEnabled", Kind.BOOLEAN),
            Map.entry("StreamViewType", Kind.STRING), Map.entry("Enabled", Kind.BOOLEAN), Map.entry("PointInTimeRecoveryEnabled", Kind.BOOLEAN),
            Map.entry("Create", Kind.OBJECT), Map.entry("Delete", Kind.OBJECT), Map.entry("Value", Kind.STRING),
            Map.entry("StreamArn", Kind.STRING), Map.entry("ShardId", Kind.STRING), Map.entry("ShardIteratorType", Kind.STRING),
            Map.entry("SequenceNumber", Kind.STRING), Map.entry("ShardIterator", Kind.STRING), Map.entry("ExclusiveStartShardId", Kind.STRING),
            Map.entry("ExclusiveStartStreamArn", Kind.STRING), Map.entry("TransactItems", Kind.ARRAY),
            Map.entry("ClientRequestToken", Kind.STRING), Map.entry("ConditionCheck", Kind.OBJECT), Map.entry("Put", Kind.OBJECT),
            Map.entry("Update", Kind.OBJECT), Map.entry("Get", Kind.OBJECT), Map.entry("Expected", Kind.OBJECT),
            Map.entry("AttributeUpdates", Kind.OBJECT), Map.entry("KeyConditions", Kind.OBJECT), Map.entry("QueryFilter", Kind.OBJECT),
            Map.entry("ScanFilter", Kind.OBJECT), Map.entry("AttributesToGet", Kind.ARRAY), Map.entry("ConditionalOperator", Kind.STRING));

    /** Members whose values are maps of the caller's own names: their keys are data, not members. */
    private static final java.util.Set<String> MAPS_OF_DATA = java.util.Set.of("Item", "Key", "ExclusiveStartKey", "ExpressionAttributeNames",
            "ExpressionAttributeValues", "RequestItems", "Expected", "AttributeUpdates", "KeyConditions", "QueryFilter", "ScanFilter");

    private static final java.util.Set<String> MAPS_OF_ITEMS = java.util.Set.of("Item", "Key", "ExclusiveStartKey", "ExpressionAttributeValues");
    /** The members of a Condition, an ExpectedAttributeValue and an AttributeValueUpdate. */
    private static final Map<String, Kind> LEGACY_MEMBERS = Map.of("ComparisonOperator", Kind.STRING, "AttributeValueList", Kind.ARRAY,
            "Exists", Kind.BOOLEAN, "Value", Kind.OBJECT, "Action", Kind.STRING);

    private RequestShapes() {}

    private static void checkLegacyMembers(JsonNode condition) {
        condition.fields().forEachRemaining(member -> {
            Kind kind = LEGACY_MEMBERS.get(member.getKey());
            JsonNode value = member.getValue();
            if (kind != null && !value.isNull() && !matches(kind, value)) {
                throw new DynamoDbException("SerializationException", kind == Kind.OBJECT || kind == Kind.ARRAY
                        ? "Start of " + (kind == Kind.OBJECT ? "structure or map" : "list") + " found where not expected"
                        : "Unexpected value type in payload for " + member.getKey(), 400);
            }
            if (member.getKey().equals("AttributeValueList")) {
                value.forEach(element -> {
                    if (!element.isObject()) {
                        throw new DynamoDbException("SerializationException", "Start of structure or map found where not expected", 400);
                    }
                });
            }
        });
    }

    static void check(JsonNode request) {
        request.fields().forEachRemaining(member -> check(member.getKey(), member.getValue()));
    }

    private static void check(String name, JsonNode value) {
        if (value.isNull()) {
            return;
        }
        Kind kind = MEMBERS.get(name);
        if (kind != null && !matches(kind, value)) {
            throw new DynamoDbException("SerializationException", kind == Kind.OBJECT || kind == Kind.ARRAY
                    ? "Start of " + (kind == Kind.OBJECT ? "structure or map" : "list") + " found where not expected"
                    : "Unexpected value type in payload for " + name, 400);
        }
        if (MAPS_OF_DATA.contains(name)) {
            value.forEach(entry -> {
                boolean legacy = !name.equals("ExpressionAttributeNames") && !name.equals("RequestItems") && !MAPS_OF_ITEMS.contains(name);
                if (legacy) {
                    if (!entry.isObject()) {
                        throw new DynamoDbException("SerializationException", "Unexpected value type in payload for " + name, 400);
                    }
                    checkLegacyMembers(entry);
                    return;
                }
                if (name.equals("ExpressionAttributeNames") ? !entry.isTextual() : !entry.isObject() && !entry.isArray()) {
                    throw new DynamoDbException("SerializationException", "Unexpected value type in payload for " + name, 400);
                }
                if (name.equals("RequestItems")) {
                    if (entry.isObject()) {
                        check(entry);
                    } else {
                        entry.forEach(write -> {
                            if (!write.isObject()) {
                                throw new DynamoDbException("SerializationException", "Start of structure or map found where not expected", 400);
                            }
                            check(write);
                        });
                    }
                }
            });
            return;
        }
        if (name.equals("Tags") && value.isArray()) {
            // A Tag is {Key: string, Value: string}: its Key is not an item's key.
            value.forEach(tag -> {
                if (!tag.isObject() && !tag.isNull()) {
                    throw new DynamoDbException("SerializationException", "Start of structure or map found where not expected", 400);
                }
                tag.fields().forEachRemaining(member -> {
                    if (!member.getValue().isNull() && !member.getValue().isTextual() && (member.getKey().equals("Key") || member.getKey().equals("Value"))) {
                        throw new DynamoDbException("SerializationException", "Unexpected value type in payload for " + member.getKey(), 400);
                    }
                });
            });
            return;
        }
        if (value.isObject()) {
            check(value);
        } else if (value.isArray()) {
            value.forEach(element -> {
                if (element.isObject()) {
                    check(element);
                } else if (!element.isNull() && (name.equals("AttributeDefinitions") || name.equals("KeySchema") || name.equals("Tags")
                        || name.endsWith("Indexes") || name.equals("GlobalSecondaryIndexUpdates") || name.equals("Keys"))) {
                    throw new DynamoDbException("SerializationException", "Start of structure or map found where not expected", 400);
                }
            });
        }
    }

    private static boolean matches(Kind kind, JsonNode value) {
        return switch (kind) {
            case STRING -> value.isTextual();
            case NUMBER -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
            case OBJECT -> value.isObject();
            case ARRAY -> value.isArray();
        };
    }
}
