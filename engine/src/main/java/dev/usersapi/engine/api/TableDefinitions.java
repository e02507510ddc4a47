package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CreateTable's checks before any table is built, in DynamoDB's order: first the service model's
 * member constraints (API reference, CreateTable, AttributeDefinition, KeySchemaElement,
 * LocalSecondaryIndex, GlobalSecondaryIndex, Projection, ProvisionedThroughput), then the rules
 * between members (a key attribute defined, HASH before RANGE, a local index's range key and
 * shared hash key, projections, index names unique, at most 5 local and 20 global indexes).
 */
final class TableDefinitions {
    private static final String INVALID = "One or more parameter values were invalid: ";
    /**
     * A global secondary index's KeySchema: up to four partition and four sort key attributes
     * (developer guide, "Multi-attribute key schema",
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys).
     */
    static final int MAX_KEY_ATTRIBUTES = 4;
    private static final int GLOBAL_KEY_ELEMENTS = 2 * MAX_KEY_ATTRIBUTES;

    private TableDefinitions() {}

    /** DescribeTable's, CreateTable's and DeleteTable's name rules, which DynamoDB words apart. */
    static void tableName(JsonNode request) {
        JsonNode name = request.get("TableName");
        if (name == null || name.isNull()) {
            throw DynamoDbException.validation("The parameter 'TableName' is required but was not present in the request");
        }
        if (name.asText().length() < 3 || name.asText().length() > 255) {
            throw DynamoDbException.validation("TableName must be at least 3 characters long and at most 255 characters long");
        }
    }

    static void check(JsonNode request) {
        tableName(request);
        Constraints constraints = new Constraints();
        JsonNode definitions = request.get("AttributeDefinitions");
        constraints.notNull(definitions, "attributeDefinitions");
        each(definitions, "attributeDefinitions", (definition, at) -> constraints.notNull(definition.get("AttributeName"), at + ".attributeName")
                .notNull(definition.get("AttributeType"), at + ".attributeType").oneOf(definition.get("AttributeType"), at + ".attributeType", List.of("B", "N", "S")));
        JsonNode name = request.get("TableName");
        if (!Constraints.shown(name).matches(Constraints.NAME_PATTERN)) {
            constraints.name(name, "tableName");
        }
        constraints.oneOf(request.get("BillingMode"), "billingMode", List.of("PROVISIONED", "PAY_PER_REQUEST"));
        throughput(constraints, request.get("ProvisionedThroughput"), "provisionedThroughput");
        keySchema(constraints, request.get("KeySchema"), "keySchema", true, 2);
        for (String kind : List.of("LocalSecondaryIndexes", "GlobalSecondaryIndexes")) {
            String member = Requests.lowerFirst(kind);
            each(request.get(kind), member, (index, at) -> {
                constraints.notNull(index.get("IndexName"), at + ".indexName").name(index.get("IndexName"), at + ".indexName");
                keySchema(constraints, index.get("KeySchema"), at + ".keySchema", false, kind.startsWith("Global") ? GLOBAL_KEY_ELEMENTS : 2);
                JsonNode projection = index.get("Projection");
                constraints.notNull(projection, at + ".projection");
                if (projection != null && !projection.isNull()) {
                    constraints.oneOf(projection.get("ProjectionType"), at + ".projection.projectionType", List.of("ALL", "INCLUDE", "KEYS_ONLY"))
                            .length(projection.get("NonKeyAttributes"), at + ".projection.nonKeyAttributes", 1, Integer.MAX_VALUE);
                }
                if (kind.startsWith("Global")) {
                    throughput(constraints, index.get("ProvisionedThroughput"), at + ".provisionedThroughput");
                }
            });
        }
        constraints.check();
        rules(request);
    }

    /**
     * UpdateTable's checks before the table is looked for (API reference, UpdateTable): something
     * to change, throughput of at least one unit and at most 10^12, one update per index, each
     * update naming its action.
     */
    static void checkUpdate(JsonNode request) {
        tableName(request);
        Constraints constraints = new Constraints();
        throughput(constraints, request.get("ProvisionedThroughput"), "provisionedThroughput");
        constraints.name(request.get("TableName"), "tableName");
        each(request.get("GlobalSecondaryIndexUpdates"), "globalSecondaryIndexUpdates", (update, at) -> {
            JsonNode change = update.get("Update");
            if (change != null && change.isObject()) {
                constraints.notNull(change.get("IndexName"), at + ".update.indexName").name(change.get("IndexName"), at + ".update.indexName")
                        .notNull(change.get("ProvisionedThroughput"), at + ".update.provisionedThroughput");
                throughput(constraints, change.get("ProvisionedThroughput"), at + ".update.provisionedThroughput");
            }
            JsonNode create = update.get("Create");
            if (create != null && create.isObject()) {
                constraints.notNull(create.get("IndexName"), at + ".create.indexName").name(create.get("IndexName"), at + ".create.indexName");
                keySchema(constraints, create.get("KeySchema"), at + ".create.keySchema", false, GLOBAL_KEY_ELEMENTS);
                constraints.notNull(create.get("Projection"), at + ".create.projection");
                throughput(constraints, create.get("ProvisionedThroughput"), at + ".create.provisionedThroughput");
            }
            JsonNode delete = update.get("Delete");
            if (delete != null && delete.isObject()) {
                constraints.notNull(delete.get("IndexName"), at + ".delete.indexName").name(delete.get("IndexName"), at + ".delete.indexName");
            }
        });
        constraints.check();
        boolean something = List.of("ProvisionedThroughput", "BillingMode", "StreamSpecification", "SSESpecification", "ReplicaUpdates",
                "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput", "WarmThroughput").stream().anyMatch(request::hasNonNull)
                || request.path("GlobalSecondaryIndexUpdates").size() > 0;
        if (!something) {
            throw DynamoDbException.validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
        }
        if (request.path("BillingMode").asText("").equals("PROVISIONED") && !request.hasNonNull("ProvisionedThroughput")) {
            throw DynamoDbException.validation(INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
        }
        for (String units : List.of("ReadCapacityUnits", "WriteCapacityUnits")) {
            JsonNode value = request.path("ProvisionedThroughput").path(units);
            if (value.isNumber() && value.decimalValue().compareTo(java.math.BigDecimal.valueOf(1_000_000_000_000L)) > 0) {
                throw DynamoDbException.validation("Given value " + value.asText() + " for " + units + " is out of bounds");
            }
        }
        Set<String> indexes = new HashSet<>();
        for (JsonNode update : request.path("GlobalSecondaryIndexUpdates")) {
            JsonNode action = update.hasNonNull("Update") ? update.get("Update") : update.hasNonNull("Create") ? update.get("Create") : update.get("Delete");
            if (action == null || action.isNull()) {
                throw DynamoDbException.validation(INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                        + "GlobalSecondaryIndexUpdate.Delete must not be null");
            }
            String name = action.path("IndexName").asText();
            if (!indexes.add(name)) {
                throw DynamoDbException.validation(INVALID + "Only one global secondary index update per index is allowed simultaneously. Index: " + name);
            }
        }
    }

    private interface Element {
        void check(JsonNode element, String at);
    }

    private static void each(JsonNode list, String at, Element check) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isObject()) {
                check.check(list.get(i), at + "." + (i + 1) + ".member");
            }
        }
    }

    private static void throughput(Constraints constraints, JsonNode throughput, String at) {
        if (throughput == null || throughput.isNull()) {
            return;
        }
        for (String units : List.of("WriteCapacityUnits", "ReadCapacityUnits")) {
            constraints.notNull(throughput.get(units), at + "." + Requests.lowerFirst(units))
                    .range(throughput.get(units), at + "." + Requests.lowerFirst(units), 1, Long.MAX_VALUE);
        }
    }

    private static void keySchema(Constraints constraints, JsonNode schema, String at, boolean table, int maxElements) {
        constraints.notNull(schema, at).length(schema, at, 1, maxElements);
        each(schema, at, (element, elementAt) -> {
            constraints.notNull(element.get("AttributeName"), elementAt + ".attributeName").notNull(element.get("KeyType"), elementAt + ".keyType");
            if (table) {
                constraints.oneOf(element.get("KeyType"), elementAt + ".keyType", List.of("HASH", "RANGE"));
            }
        });
    }

    private static List<String> names(JsonNode elements) {
        List<String> names = new ArrayList<>();
        elements.forEach(element -> names.add(element.path("AttributeName").asText()));
        return names;
    }

    private static void rules(JsonNode request) {
        String billing = request.path("BillingMode").asText("PROVISIONED");
        JsonNode throughput = request.path("ProvisionedThroughput");
        if (billing.equals("PAY_PER_REQUEST")) {
            if (!throughput.isMissingNode() && !throughput.isNull()) {
                throw DynamoDbException.validation(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            }
        } else {
            if (throughput.path("ReadCapacityUnits").asLong(0) == 0 || throughput.path("WriteCapacityUnits").asLong(0) == 0) {
                throw DynamoDbException.validation(INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
            }
            for (String units : List.of("ReadCapacityUnits", "WriteCapacityUnits")) {
                if (throughput.path(units).decimalValue().compareTo(java.math.BigDecimal.valueOf(1_000_000_000_000L)) > 0) {
                    throw DynamoDbException.validation("Given value " + throughput.path(units).asText() + " for " + units + " is out of bounds");
                }
            }
        }
        List<String> defined = names(request.path("AttributeDefinitions"));
        JsonNode schema = request.path("KeySchema");
        List<String> keys = names(schema);
        if (keys.size() > defined.size()) {
            throw DynamoDbException.validation("Invalid KeySchema: Some index key attribute have no definition");
        }
        checkKeys(schema, keys, defined);
        boolean hasLocal = request.hasNonNull("LocalSecondaryIndexes");
        boolean hasGlobal = request.hasNonNull("GlobalSecondaryIndexes");
        if (!hasLocal && !hasGlobal && keys.size() != defined.size()) {
            throw DynamoDbException.validation(INVALID + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        Set<String> indexNames = new HashSet<>();
        if (hasLocal) {
            JsonNode local = request.get("LocalSecondaryIndexes");
            if (local.isEmpty()) {
                throw DynamoDbException.validation(INVALID + "List of LocalSecondaryIndexes is empty");
            }
            if (keys.size() != 2) {
                throw DynamoDbException.validation(INVALID + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
            }
            for (JsonNode index : local) {
                String indexName = index.path("IndexName").asText();
                JsonNode indexSchema = index.path("KeySchema");
                checkKeys(indexSchema, names(indexSchema), defined);
                if (indexSchema.size() != 2) {
                    throw DynamoDbException.validation(INVALID + "Index KeySchema does not have a range key for index: " + indexName);
                }
                String indexHash = indexSchema.path(0).path("AttributeName").asText();
                if (!indexHash.equals(keys.get(0))) {
                    throw DynamoDbException.validation(INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                            + indexName + ". index hash key: " + indexHash + ", table hash key: " + keys.get(0));
                }
                checkProjection(index);
                unique(indexNames, indexName);
            }
            if (local.size() > 5) {
                throw DynamoDbException.validation(INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
            }
        }
        if (hasGlobal) {
            JsonNode global = request.get("GlobalSecondaryIndexes");
            if (global.isEmpty()) {
                throw DynamoDbException.validation(INVALID + "List of GlobalSecondaryIndexes is empty");
            }
            for (JsonNode index : global) {
                String indexName = index.path("IndexName").asText();
                JsonNode indexSchema = index.path("KeySchema");
                if (isMultiAttribute(indexSchema)) {
                    checkMultiAttributeKey(indexSchema, indexName, defined);
                } else {
                    checkKeys(indexSchema, names(indexSchema), defined);
                }
                checkProjection(index);
                if (billing.equals("PAY_PER_REQUEST") && index.hasNonNull("ProvisionedThroughput")) {
                    throw DynamoDbException.validation(INVALID + "ProvisionedThroughput should not be specified for index: " + indexName
                            + " when BillingMode is PAY_PER_REQUEST");
                }
                unique(indexNames, indexName);
            }
            if (global.size() > 20) {
                throw DynamoDbException.validation(INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20");
            }
        }
    }

    private static void checkKeys(JsonNode schema, List<String> keys, List<String> defined) {
        if (keys.stream().anyMatch(key -> !defined.contains(key))) {
            throw DynamoDbException.validation(INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: ["
                    + String.join(", ", keys) + "], AttributeDefinitions: [" + String.join(", ", defined) + "]");
        }
        if (keys.size() == 2 && keys.get(0).equals(keys.get(1))) {
            throw DynamoDbException.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        if (!schema.path(0).path("KeyType").asText().equals("HASH")) {
            throw DynamoDbException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        if (schema.size() > 1 && !schema.path(1).path("KeyType").asText().equals("RANGE")) {
            throw DynamoDbException.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
        }
    }

    /** Whether a global index's KeySchema has several partition or several sort key attributes. */
    static boolean isMultiAttribute(JsonNode schema) {
        int hash = 0;
        int range = 0;
        for (JsonNode element : schema) {
            if (element.path("KeyType").asText().equals("HASH")) {
                hash++;
            } else {
                range++;
            }
        }
        return hash > 1 || range > 1;
    }

    /**
     * A multi-attribute key (developer guide, "Multi-attribute key schema"): every attribute
     * defined, the partition key attributes (HASH) first, then the sort key attributes (RANGE),
     * each in the order the key lists them, at most four of each, no attribute twice. DynamoDB's
     * own messages for these refusals are not published; these are the engine's, in the style of
     * its other KeySchema messages.
     */
    static void checkMultiAttributeKey(JsonNode schema, String indexName, List<String> defined) {
        List<String> keys = names(schema);
        if (keys.stream().anyMatch(key -> !defined.contains(key))) {
            throw DynamoDbException.validation(INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: ["
                    + String.join(", ", keys) + "], AttributeDefinitions: [" + String.join(", ", defined) + "]");
        }
        if (keys.size() == 2 && keys.get(0).equals(keys.get(1))) {
            throw DynamoDbException.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        if (new HashSet<>(keys).size() != keys.size()) {
            throw DynamoDbException.validation(INVALID + "Index KeySchema names an attribute more than once for index: " + indexName);
        }
        if (!schema.path(0).path("KeyType").asText().equals("HASH")) {
            throw DynamoDbException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        int hash = 0;
        int range = 0;
        for (JsonNode element : schema) {
            String type = element.path("KeyType").asText();
            if (type.equals("HASH")) {
                if (range > 0) {
                    throw DynamoDbException.validation("Invalid KeySchema: HASH KeySchemaElements must precede RANGE KeySchemaElements for index: " + indexName);
                }
                hash++;
            } else if (type.equals("RANGE")) {
                range++;
            } else {
                throw DynamoDbException.validation("Invalid KeySchema: Unknown KeyType: " + type);
            }
        }
        if (hash > MAX_KEY_ATTRIBUTES || range > MAX_KEY_ATTRIBUTES) {
            throw DynamoDbException.validation(INVALID + "Index KeySchema for index: " + indexName + " has " + (hash > MAX_KEY_ATTRIBUTES ? hash + " HASH" : range + " RANGE")
                    + " key attributes; a multi-attribute key allows at most " + MAX_KEY_ATTRIBUTES + " partition and " + MAX_KEY_ATTRIBUTES + " sort key attributes");
        }
    }

    private static void checkProjection(JsonNode index) {
        JsonNode projection = index.path("Projection");
        if (!projection.hasNonNull("ProjectionType")) {
            throw DynamoDbException.validation(INVALID + "Unknown ProjectionType: null");
        }
        String type = projection.get("ProjectionType").asText();
        if (projection.hasNonNull("NonKeyAttributes") && !type.equals("INCLUDE")) {
            throw DynamoDbException.validation(INVALID + "ProjectionType is " + type + ", but NonKeyAttributes is specified");
        }
    }

    private static void unique(Set<String> names, String name) {
        if (!names.add(name)) {
            throw DynamoDbException.validation(INVALID + "Duplicate index name: " + name);
        }
    }
}
