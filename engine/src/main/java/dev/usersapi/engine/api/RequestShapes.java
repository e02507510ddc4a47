package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JSON type of every request member the engine reads, as DynamoDB's service model declares
 * it, structures and lists and maps within. A member of the wrong type is refused before anything
 * runs, as DynamoDB's front end refuses it: a SerializationException worded as DynamoDB words it
 * ("NUMBER_VALUE cannot be converted to String", "Unexpected field type", ...), as dynalite's
 * suite, written against DynamoDB, records. A null member is taken as absent; members the model
 * does not name are ignored.
 */
final class RequestShapes {
    private static final String MODEL = "com.amazonaws.dynamodb.v20120810.";
    private static final String PARAMETERIZED = "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class "
            + "(sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";

    /** Where a structure stands: a member of another (a field), or an element of a list or map (a value). */
    private enum Position { FIELD, VALUE }

    private sealed interface Shape permits Scalar, ListOf, MapOf, Struct, Lazy {}
    /** String, Boolean, Integer, Long or Blob, as the model's Java types name them. */
    private record Scalar(String type) implements Shape {}
    /** {@code parameterized}: a list of lists or maps, which DynamoDB's reader words otherwise. */
    private record ListOf(Shape element, boolean parameterized) implements Shape {}
    private record MapOf(String valueClass, Shape value, boolean parameterized) implements Shape {}
    private record Struct(String name, Map<String, Shape> members) implements Shape {}
    /** A shape that contains itself (an AttributeValue's L and M). */
    private record Lazy(Supplier<Shape> shape) implements Shape {}

    private static final Scalar STRING = new Scalar("String");
    private static final Scalar BOOLEAN = new Scalar("Boolean");
    private static final Scalar INTEGER = new Scalar("Integer");
    private static final Scalar LONG = new Scalar("Long");
    private static final Scalar BLOB = new Scalar("Blob");

    private static ListOf list(Shape element) {
        return new ListOf(element, false);
    }

    private static MapOf mapOf(String valueClass, Shape value) {
        return new MapOf(valueClass, value, false);
    }

    private static final Shape ATTRIBUTE_VALUE = new Struct("AttributeValue", Map.of("S", STRING, "N", STRING, "B", BLOB, "BOOL", BOOLEAN,
            "NULL", BOOLEAN, "SS", list(STRING), "NS", list(STRING), "BS", list(BLOB),
            "L", list(new Lazy(() -> RequestShapes.ATTRIBUTE_VALUE)), "M", new Lazy(() -> RequestShapes.ATTRIBUTES)));
    private static final Shape ATTRIBUTES = mapOf(MODEL + "AttributeValue", ATTRIBUTE_VALUE);
    private static final Shape NAMES = mapOf("java.lang.String", STRING);
    private static final Shape CONDITIONS = mapOf(MODEL + "Condition", new Struct("Condition",
            Map.of("AttributeValueList", list(ATTRIBUTE_VALUE), "ComparisonOperator", STRING)));
    private static final Shape KEY_SCHEMA = list(new Struct("KeySchemaElement", Map.of("AttributeName", STRING, "KeyType", STRING)));
    private static final Shape PROJECTION = new Struct("Projection", Map.of("ProjectionType", STRING, "NonKeyAttributes", list(STRING)));
    private static final Shape THROUGHPUT = new Struct("ProvisionedThroughput", Map.of("ReadCapacityUnits", LONG, "WriteCapacityUnits", LONG));
    /** The members a transaction's actions share with the single-item operations. */
    private static final Map<String, Shape> ITEM_ACTION = Map.of("TableName", STRING, "Key", ATTRIBUTES, "Item", ATTRIBUTES,
            "ConditionExpression", STRING, "UpdateExpression", STRING, "ProjectionExpression", STRING, "ExpressionAttributeNames", NAMES,
            "ExpressionAttributeValues", ATTRIBUTES, "ReturnValuesOnConditionCheckFailure", STRING);

    private static final Map<String, Shape> MEMBERS = Map.ofEntries(
            Map.entry("TableName", STRING), Map.entry("IndexName", STRING), Map.entry("Item", ATTRIBUTES), Map.entry("Key", ATTRIBUTES),
            Map.entry("ExclusiveStartKey", ATTRIBUTES), Map.entry("ExpressionAttributeValues", ATTRIBUTES), Map.entry("ExpressionAttributeNames", NAMES),
            Map.entry("ConditionExpression", STRING), Map.entry("UpdateExpression", STRING), Map.entry("KeyConditionExpression", STRING),
            Map.entry("FilterExpression", STRING), Map.entry("ProjectionExpression", STRING), Map.entry("ReturnValues", STRING),
            Map.entry("ReturnConsumedCapacity", STRING), Map.entry("ReturnItemCollectionMetrics", STRING),
            Map.entry("ReturnValuesOnConditionCheckFailure", STRING), Map.entry("ConsistentRead", BOOLEAN), Map.entry("Limit", INTEGER),
            Map.entry("ScanIndexForward", BOOLEAN), Map.entry("Select", STRING), Map.entry("Segment", INTEGER), Map.entry("TotalSegments", INTEGER),
            Map.entry("AttributesToGet", list(STRING)), Map.entry("ConditionalOperator", STRING),
            Map.entry("Expected", mapOf(MODEL + "ExpectedAttributeValue", new Struct("ExpectedAttributeValue", Map.of("AttributeValueList",
                    list(ATTRIBUTE_VALUE), "ComparisonOperator", STRING, "Exists", BOOLEAN, "Value", ATTRIBUTE_VALUE)))),
            Map.entry("KeyConditions", CONDITIONS), Map.entry("QueryFilter", CONDITIONS), Map.entry("ScanFilter", CONDITIONS),
            Map.entry("AttributeUpdates", mapOf(MODEL + "AttributeValueUpdate", new Struct("AttributeValueUpdate",
                    Map.of("Action", STRING, "Value", ATTRIBUTE_VALUE)))),
            Map.entry("AttributeDefinitions", list(new Struct("AttributeDefinition", Map.of("AttributeName", STRING, "AttributeType", STRING)))),
            Map.entry("KeySchema", KEY_SCHEMA),
            Map.entry("LocalSecondaryIndexes", list(new Struct("LocalSecondaryIndex", Map.of("IndexName", STRING, "KeySchema", KEY_SCHEMA,
                    "Projection", PROJECTION)))),
            Map.entry("GlobalSecondaryIndexes", list(new Struct("GlobalSecondaryIndex", Map.of("IndexName", STRING, "KeySchema", KEY_SCHEMA,
                    "Projection", PROJECTION, "ProvisionedThroughput", THROUGHPUT)))),
            Map.entry("GlobalSecondaryIndexUpdates", list(new Struct("GlobalSecondaryIndexUpdate", Map.of(
                    "Update", new Struct("UpdateGlobalSecondaryIndexAction", Map.of("IndexName", STRING, "ProvisionedThroughput", THROUGHPUT)),
                    "Create", new Struct("CreateGlobalSecondaryIndexAction", Map.of("IndexName", STRING, "KeySchema", KEY_SCHEMA,
                            "Projection", PROJECTION, "ProvisionedThroughput", THROUGHPUT)),
                    "Delete", new Struct("DeleteGlobalSecondaryIndexAction", Map.of("IndexName", STRING)))))),
            Map.entry("BillingMode", STRING), Map.entry("ProvisionedThroughput", THROUGHPUT),
            Map.entry("StreamSpecification", new Struct("StreamSpecification", Map.of("StreamEnabled", BOOLEAN, "StreamViewType", STRING))),
            Map.entry("Tags", list(new Struct("Tag", Map.of("Key", STRING, "Value", STRING)))), Map.entry("TagKeys", list(STRING)),
            Map.entry("ResourceArn", STRING), Map.entry("ExclusiveStartTableName", STRING),
            Map.entry("TimeToLiveSpecification", new Struct("TimeToLiveSpecification", Map.of("Enabled", BOOLEAN, "AttributeName", STRING))),
            Map.entry("PointInTimeRecoverySpecification", new Struct("PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", BOOLEAN))),
            Map.entry("StreamArn", STRING), Map.entry("ShardId", STRING), Map.entry("ShardIteratorType", STRING), Map.entry("SequenceNumber", STRING),
            Map.entry("ShardIterator", STRING), Map.entry("ExclusiveStartShardId", STRING), Map.entry("ExclusiveStartStreamArn", STRING),
            Map.entry("ClientRequestToken", STRING),
            Map.entry("TransactItems", list(new Struct("TransactItem", Map.of("ConditionCheck", new Struct("ConditionCheck", ITEM_ACTION),
                    "Put", new Struct("Put", ITEM_ACTION), "Update", new Struct("Update", ITEM_ACTION), "Delete", new Struct("Delete", ITEM_ACTION),
                    "Get", new Struct("Get", ITEM_ACTION))))));

    /** RequestItems is a map of tables, whose values BatchGetItem and BatchWriteItem shape apart. */
    private static final Shape BATCH_GET = mapOf(MODEL + "KeysAndAttributes", new Struct("KeysAndAttributes", Map.of(
            "Keys", list(new MapOf(MODEL + "AttributeValue", ATTRIBUTE_VALUE, true)), "AttributesToGet", list(STRING), "ConsistentRead", BOOLEAN,
            "ProjectionExpression", STRING, "ExpressionAttributeNames", NAMES)));
    private static final Shape BATCH_WRITE = mapOf("java.util.List<" + MODEL + "WriteRequest>", new ListOf(new Struct("WriteRequest", Map.of(
            "PutRequest", new Struct("PutRequest", Map.of("Item", ATTRIBUTES)),
            "DeleteRequest", new Struct("DeleteRequest", Map.of("Key", ATTRIBUTES)))), true));

    private RequestShapes() {}

    static void check(String operation, JsonNode request) {
        request.fields().forEachRemaining(member -> {
            Shape shape = member.getKey().equals("RequestItems")
                    ? operation.equals("BatchWriteItem") ? BATCH_WRITE : BATCH_GET
                    : MEMBERS.get(member.getKey());
            if (shape != null) {
                check(member.getValue(), shape, Position.FIELD);
            }
        });
    }

    private static DynamoDbException refused(String message) {
        return new DynamoDbException("SerializationException", message, 400);
    }

    private static void check(JsonNode value, Shape shape, Position position) {
        if (value == null || value.isNull()) {
            return;
        }
        if (shape instanceof Lazy lazy) {
            check(value, lazy.shape().get(), position);
        } else if (shape instanceof Scalar scalar) {
            scalar(value, scalar.type());
        } else if (shape instanceof ListOf list) {
            if (!value.isArray()) {
                throw refused(value.isObject() ? "Start of structure or map found where not expected"
                        : list.parameterized() ? PARAMETERIZED : "Unexpected field type");
            }
            value.forEach(element -> check(element, list.element(), Position.VALUE));
        } else if (shape instanceof MapOf map) {
            if (!value.isObject()) {
                throw refused(value.isArray() ? "Unrecognized collection type java.util.Map<java.lang.String, " + map.valueClass() + ">"
                        : map.parameterized() ? PARAMETERIZED : "Unexpected field type");
            }
            value.forEach(entry -> check(entry, map.value(), Position.VALUE));
        } else {
            Struct struct = (Struct) shape;
            if (!value.isObject()) {
                throw refused(value.isArray() ? "Unrecognized collection type class " + MODEL + struct.name()
                        : position == Position.VALUE ? "Unexpected value type in payload" : "Unexpected field type");
            }
            value.fields().forEachRemaining(member -> {
                Shape memberShape = struct.members().get(member.getKey());
                if (memberShape != null) {
                    check(member.getValue(), memberShape, Position.FIELD);
                }
            });
        }
    }

    private static void scalar(JsonNode value, String type) {
        if (value.isObject()) {
            throw refused("Start of structure or map found where not expected");
        }
        if (value.isArray()) {
            throw refused("Unrecognized collection type class " + (type.equals("Blob") ? "java.nio.ByteBuffer" : "java.lang." + type));
        }
        String token = value.isBoolean() ? (value.asBoolean() ? "TRUE_VALUE" : "FALSE_VALUE")
                : value.isIntegralNumber() ? "NUMBER_VALUE" : value.isNumber() ? "DECIMAL_VALUE" : "STRING_VALUE";
        switch (type) {
            case "String" -> {
                if (!value.isTextual()) {
                    throw refused(token + " cannot be converted to String");
                }
            }
            case "Boolean" -> {
                if (value.isNumber()) {
                    throw refused(token + " cannot be converted to Boolean");
                }
                // The reader takes true, false, 1, 0, yes and no as booleans, in any case.
                if (value.isTextual() && !java.util.List.of("TRUE", "FALSE", "1", "0", "YES", "NO").contains(value.asText().toUpperCase(java.util.Locale.ROOT))) {
                    throw refused("Unexpected token received from parser");
                }
            }
            case "Integer", "Long" -> {
                if (!value.isNumber()) {
                    throw refused(token + " cannot be converted to " + type);
                }
            }
            default -> {
                if (!value.isTextual()) {
                    throw refused("only base-64-encoded strings are convertible to bytes");
                }
                String text = value.asText();
                if (text.length() % 4 != 0) {
                    throw refused("Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length());
                }
                if (!canonicalBase64(text)) {
                    throw refused("Invalid last non-pad Base64 character dectected");
                }
            }
        }
    }

    /** Base64 whose last character before the padding carries no stray bits, as DynamoDB's decoder requires. */
    private static boolean canonicalBase64(String text) {
        try {
            byte[] decoded = java.util.Base64.getDecoder().decode(text);
            return java.util.Base64.getEncoder().encodeToString(decoded).equals(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
