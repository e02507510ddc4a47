package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.expression.Condition;
import dev.usersapi.engine.expression.Documents;
import dev.usersapi.engine.expression.Evaluator;
import dev.usersapi.engine.expression.ExpressionException;
import dev.usersapi.engine.expression.Expressions;
import dev.usersapi.engine.expression.Operand;
import dev.usersapi.engine.expression.Path;
import dev.usersapi.engine.expression.Placeholders;
import dev.usersapi.engine.expression.Update;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.table.Index;
import dev.usersapi.engine.table.KeySchema;
import dev.usersapi.engine.table.StorageKey;
import dev.usersapi.engine.table.Table;
import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.ItemSizes;
import dev.usersapi.engine.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/** The data plane: single items, queries and scans, batches, with conditions, projections and capacity. */
final class ItemOperations {
    private static final long PAGE_BYTES = 1024 * 1024;
    /** The ReturnValues the service model allows; PutItem and DeleteItem then take only NONE and ALL_OLD. */
    private static final List<String> RETURN_VALUES = List.of("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
    private static final List<String> SELECT = List.of("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES");

    private final Map<String, Table> catalog;

    ItemOperations(Map<String, Table> catalog) {
        this.catalog = catalog;
    }

    /** The table a request names; DynamoDB checks the rest of the request before it looks. */
    private Table table(JsonNode request) {
        String name = Requests.string(request, "TableName");
        Table table = catalog.get(name);
        if (table == null) {
            throw DynamoDbException.notFound("Requested resource not found");
        }
        return table;
    }

    private static Optional<Condition> condition(JsonNode request, String member, Placeholders placeholders) {
        try {
            return Requests.optionalString(request, member).map(text -> Expressions.condition(text, member, placeholders));
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static Optional<List<Path>> projection(JsonNode request, Placeholders placeholders) {
        try {
            return Requests.optionalString(request, "ProjectionExpression").map(text -> Expressions.projection(text, placeholders));
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static void checkUsed(Placeholders placeholders) {
        try {
            placeholders.checkAllUsed();
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static boolean holds(Optional<Condition> condition, Map<String, Value> item, String kind) {
        try {
            return condition.map(c -> Evaluator.test(c, item, kind)).orElse(true);
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
    }

    private static DynamoDbException conditionFailed(JsonNode request, Optional<Map<String, Value>> current) {
        boolean withItem = request.path("ReturnValuesOnConditionCheckFailure").asText("NONE").equals("ALL_OLD");
        return new DynamoDbException("ConditionalCheckFailedException", "The conditional request failed", 400,
                withItem ? current : Optional.empty());
    }

    ObjectNode put(JsonNode request) {
        Constraints.dataPlane(request, "Item", RETURN_VALUES).check();
        Legacy.checkParameters(request, List.of("ConditionExpression"), List.of("Expected"));
        Map<String, Value> item = Requests.item(request.path("Item"));
        String returnValues = request.path("ReturnValues").asText("NONE");
        if (!returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")) {
            throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        if (ItemSizes.of(item) > Requests.MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
        Optional<Condition> expected = Legacy.expected(request);
        Placeholders placeholders = Requests.placeholders(request);
        Optional<Condition> condition = condition(request, "ConditionExpression", placeholders).or(() -> expected);
        checkUsed(placeholders);
        Table table = table(request);
        Requests.checkItem(table, item);
        return replaceIf(request, table, table.key().keyOf(item).orElseThrow(), condition, Optional.of(item));
    }

    ObjectNode get(JsonNode request) {
        Constraints.dataPlane(request, "Key", List.of()).length(request.get("AttributesToGet"), "attributesToGet", 1, 255).check();
        Legacy.checkParameters(request, List.of("ProjectionExpression"), List.of("AttributesToGet"));
        Requests.item(request.path("Key"));
        Optional<List<Path>> attributesToGet = Legacy.attributesToGet(request);
        Placeholders placeholders = Requests.placeholders(request);
        Optional<List<Path>> projection = projection(request, placeholders).or(() -> attributesToGet);
        checkUsed(placeholders);
        Table table = table(request);
        Map<String, Value> key = Requests.key(table, request.path("Key"));
        projection.ifPresent(paths -> checkKeyPaths(table, paths));
        Optional<Map<String, Value>> item = table.get(key);
        ObjectNode answer = JsonTrees.object();
        item.ifPresent(found -> answer.set("Item", AttributeValues.write(projection.map(paths -> Documents.project(found, paths)).orElse(found))));
        boolean consistent = request.path("ConsistentRead").asBoolean(false);
        double units = readUnits(item.map(ItemSizes::of).orElse(0L), consistent);
        readCapacity(request, answer, table, units, Optional.empty());
        return answer;
    }

    ObjectNode delete(JsonNode request) {
        Constraints.dataPlane(request, "Key", RETURN_VALUES).check();
        Legacy.checkParameters(request, List.of("ConditionExpression"), List.of("Expected"));
        Requests.item(request.path("Key"));
        Optional<Condition> expected = Legacy.expected(request);
        Placeholders placeholders = Requests.placeholders(request);
        Optional<Condition> condition = condition(request, "ConditionExpression", placeholders).or(() -> expected);
        checkUsed(placeholders);
        String returnValues = request.path("ReturnValues").asText("NONE");
        if (!returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")) {
            throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        Table table = table(request);
        Map<String, Value> key = Requests.key(table, request.path("Key"));
        return replaceIf(request, table, key, condition, Optional.empty());
    }

    /**
     * PutItem's and DeleteItem's write: the item at {@code key} becomes {@code replacement} (empty:
     * deleted) if the condition holds, and the answer carries the old item when ReturnValues asks.
     */
    private ObjectNode replaceIf(JsonNode request, Table table, Map<String, Value> key, Optional<Condition> condition,
                                 Optional<Map<String, Value>> replacement) {
        Table.Written written = table.write(key, current -> {
            if (!holds(condition, current.orElse(Map.of()), "ConditionExpression")) {
                throw conditionFailed(request, current);
            }
            return replacement;
        });
        ObjectNode answer = JsonTrees.object();
        if (request.path("ReturnValues").asText("NONE").equals("ALL_OLD")) {
            written.before().ifPresent(old -> answer.set("Attributes", AttributeValues.write(old)));
        }
        capacity(request, answer, table, writeUnits(written), written);
        itemCollectionMetrics(request, answer, table, written);
        return answer;
    }

    ObjectNode update(JsonNode request) {
        Constraints.dataPlane(request, "Key", RETURN_VALUES).check();
        Legacy.checkParameters(request, List.of("UpdateExpression", "ConditionExpression"), List.of("AttributeUpdates", "Expected"));
        Requests.item(request.path("Key"));
        Optional<Update> attributeUpdates = Legacy.attributeUpdates(request);
        Optional<Condition> expected = Legacy.expected(request);
        Placeholders placeholders = Requests.placeholders(request);
        Optional<Update> update;
        try {
            update = Requests.optionalString(request, "UpdateExpression").map(text -> Expressions.update(text, placeholders));
        } catch (ExpressionException e) {
            throw Requests.invalid(e);
        }
        update = update.or(() -> attributeUpdates);
        Optional<Condition> condition = condition(request, "ConditionExpression", placeholders).or(() -> expected);
        checkUsed(placeholders);
        Table table = table(request);
        Map<String, Value> key = Requests.key(table, request.path("Key"));
        update.ifPresent(actions -> actions.actions().forEach(action -> {
            if (table.key().isKeyAttribute(action.path().attribute())) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Cannot update attribute "
                        + action.path().attribute() + ". This attribute is part of the key");
            }
        }));
        update.ifPresent(actions -> checkIndexKeyTypes(table, actions));
        update.ifPresent(actions -> checkKeyPaths(table, pathsOf(actions)));
        Optional<Update> finalUpdate = update;
        Table.Written written = table.write(key, current -> {
            if (!holds(condition, current.orElse(Map.of()), "ConditionExpression")) {
                throw conditionFailed(request, current);
            }
            if (current.isEmpty() && finalUpdate.map(Update::takesAwayOnly).orElse(false)) {
                return current; // nothing to take away from: no item is made
            }
            Map<String, Value> base = current.orElseGet(() -> new LinkedHashMap<>(key));
            Map<String, Value> after;
            try {
                after = finalUpdate.map(actions -> Evaluator.apply(actions, base)).orElse(base);
            } catch (ExpressionException e) {
                // AttributeUpdates word a value of the wrong type as DynamoDB's legacy API does.
                throw attributeUpdates.isPresent() && e.getMessage().equals(Evaluator.INCORRECT_TYPE)
                        ? DynamoDbException.validation(Legacy.TYPE_MISMATCH) : Requests.invalid(e);
            } catch (dev.usersapi.engine.value.InvalidValueException e) {
                // A sum past DynamoDB's number range (API reference, AttributeValue: N) is the caller's error, not the engine's.
                throw DynamoDbException.validation(e.getMessage());
            }
            if (request.hasNonNull("UpdateExpression")) {
                checkIndexKeysWritten(table, finalUpdate.get(), after);
            }
            if (ItemSizes.of(after) > Requests.MAX_ITEM_BYTES) {
                throw DynamoDbException.validation("Item size to update has exceeded the maximum allowed size");
            }
            Requests.checkItem(table, after);
            return Optional.of(after);
        });
        ObjectNode answer = JsonTrees.object();
        returnValues(request.path("ReturnValues").asText("NONE"), written, update, answer);
        capacity(request, answer, table, writeUnits(written), written);
        itemCollectionMetrics(request, answer, table, written);
        return answer;
    }

    private static void returnValues(String returnValues, Table.Written written, Optional<Update> update, ObjectNode answer) {
        Map<String, Value> before = written.before().orElse(Map.of());
        Map<String, Value> after = written.after().orElse(Map.of());
        Map<String, Value> shown = switch (returnValues) {
            case "NONE" -> Map.of();
            case "ALL_OLD" -> before;
            case "ALL_NEW" -> after;
            case "UPDATED_OLD", "UPDATED_NEW" -> {
                Map<String, Value> source = returnValues.equals("UPDATED_OLD") ? before : after;
                // The paths the update wrote, read in the item before or after it, merged as a projection of them all.
                yield update.map(actions -> Documents.project(source, actions.actions().stream().map(Update.Action::path).toList())).orElse(Map.of());
            }
            default -> throw DynamoDbException.validation("1 validation error detected: Value '" + returnValues
                    + "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        };
        if (!shown.isEmpty()) {
            answer.set("Attributes", AttributeValues.write(shown));
        }
    }

    ObjectNode query(JsonNode request) {
        readMembers(request);
        Legacy.checkParameters(request, List.of("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
                List.of("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"));
        Legacy.checkConditions(request.get("QueryFilter"), "queryFilter");
        Optional<List<Path>> attributesToGet = Legacy.attributesToGet(request);
        startKeyValues(request);
        if (!request.hasNonNull("KeyConditions") && !request.hasNonNull("KeyConditionExpression")) {
            throw DynamoDbException.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        Placeholders placeholders = Requests.placeholders(request);
        Optional<Condition> parsedKeyCondition = condition(request, "KeyConditionExpression", placeholders);
        Optional<Condition> filter = condition(request, "FilterExpression", placeholders);
        Optional<List<Path>> projection = projection(request, placeholders).or(() -> attributesToGet);
        // The key condition's shape is checked once every expression has been read (an empty filter is refused first).
        Optional<Condition> keyCondition = parsedKeyCondition.map(KeyConditionShape::check);
        checkUsed(placeholders);
        Legacy.checkConditions(request.get("KeyConditions"), "keyConditions");
        if (request.hasNonNull("KeyConditions") && request.get("KeyConditions").size() != 1 && request.get("KeyConditions").size() != 2) {
            throw DynamoDbException.validation("Conditions can be of length 1 or 2 only");
        }
        Table table = table(request);
        Optional<Index> index = indexOf(table, request);
        KeySchema key = index.map(Index::key).orElse(table.key());
        java.util.Set<String> conditioned = keyCondition.map(Condition::attributes).orElseGet(() -> {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            request.path("KeyConditions").fieldNames().forEachRemaining(names::add);
            return names;
        });
        checkQueryStartKey(request, table, index, key, conditioned);
        KeyRange range;
        if (keyCondition.isPresent()) {
            range = KeyRange.of(keyCondition.get(), key);
        } else if (key.isMultiAttribute()) {
            throw DynamoDbException.validation("KeyConditions cannot query index " + index.get().name()
                    + ", whose key has several attributes: use KeyConditionExpression");
        } else {
            Legacy.KeyConditions legacy = Legacy.keyConditions(request.get("KeyConditions"), key);
            range = new KeyRange(legacy.hash(), legacy.sort());
        }
        projection.ifPresent(paths -> checkKeyPaths(table, paths));
        Legacy.checkFilterOnKey(request, key);
        filter.ifPresent(given -> checkFilterOnKey(given, key));
        checkSelect(request, index);
        filter.ifPresent(given -> checkKeyPaths(table, Condition.paths(given)));
        filter = filter.or(() -> Legacy.filter(request, "QueryFilter"));
        NavigableMap<StorageKey, Map<String, Value>> partition = index.map(i -> (NavigableMap<StorageKey, Map<String, Value>>) i.partition(range.hash()))
                .orElseGet(() -> table.partition(range.hash()));
        boolean forward = request.path("ScanIndexForward").asBoolean(true);
        Optional<StorageKey> start = startKey(request, table, index);
        if (start.isPresent()) {
            checkStartInRange(request, key, range);
            partition = forward ? partition.tailMap(start.get(), false) : partition.headMap(start.get(), false);
        }
        return page(request, table, index, (forward ? partition : partition.descendingMap()).values(), range::matches, filter, projection);
    }

    /**
     * A Query's filter may not name the queried key (API reference, Query: "A filter expression
     * cannot contain partition key or sort key attributes. You need to specify those attributes in
     * the key condition expression, not the filter expression"), with dynalite's message: the
     * partition key first, then the sort key.
     */
    private static void checkFilterOnKey(Condition filter, KeySchema key) {
        java.util.Set<String> named = Condition.attributes(filter);
        for (String attribute : key.names()) {
            if (named.contains(attribute)) {
                throw DynamoDbException.validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + attribute);
            }
        }
    }

    /** Query's and Scan's Select, IndexName, Limit and ReturnConsumedCapacity (API reference, Query and Scan). */
    private static void readMembers(JsonNode request) {
        Constraints.dataPlane(request, "", List.of()).oneOf(request.get("Select"), "select", SELECT).name(request.get("IndexName"), "indexName")
                .length(request.get("AttributesToGet"), "attributesToGet", 1, 255)
                .range(request.get("Limit"), "limit", 1, Integer.MAX_VALUE).check();
    }

    /** An ExclusiveStartKey's values, read before the table is: DynamoDB refuses a malformed one first. */
    private static void startKeyValues(JsonNode request) {
        if (!request.hasNonNull("ExclusiveStartKey")) {
            return;
        }
        try {
            AttributeValues.item(request.get("ExclusiveStartKey"));
        } catch (dev.usersapi.engine.value.InvalidValueException e) {
            boolean bare = e.getMessage().matches("(?s).*(contains duplicates|number set|numeric value|significant digits|number with magnitude).*");
            throw DynamoDbException.validation((bare ? "" : "The provided starting key is invalid: ") + e.getMessage());
        }
    }

    /**
     * Select against what the request projects (API reference, Query: Select): SPECIFIC_ATTRIBUTES
     * needs a projection and a projection allows only it; ALL_PROJECTED_ATTRIBUTES reads an index;
     * ALL_ATTRIBUTES reads a global index only if it projects all.
     */
    private static void checkSelect(JsonNode request, Optional<Index> index) {
        if (!request.hasNonNull("Select")) {
            return;
        }
        String select = request.get("Select").asText();
        String projection = request.hasNonNull("AttributesToGet") ? "AttributesToGet" : request.hasNonNull("ProjectionExpression") ? "ProjectionExpression" : "";
        if (select.equals("SPECIFIC_ATTRIBUTES") && projection.isEmpty()) {
            throw DynamoDbException.validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
        }
        if (!select.equals("SPECIFIC_ATTRIBUTES") && !projection.isEmpty()) {
            throw DynamoDbException.validation("Cannot specify the " + projection + " when choosing to get "
                    + (select.equals("COUNT") ? "only the COUNT" : select));
        }
        if (select.equals("ALL_PROJECTED_ATTRIBUTES") && index.isEmpty()) {
            throw DynamoDbException.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }
        if (select.equals("ALL_ATTRIBUTES") && index.filter(i -> i.kind() == Index.Kind.GLOBAL && !i.projectionType().equals("ALL")).isPresent()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index "
                    + index.get().name() + " because its projection type is not ALL");
        }
    }

    /**
     * A Query's ExclusiveStartKey must lie within what its key condition selects, refused as
     * DynamoDB refuses it (dynalite's suite records its messages) rather than read past.
     */
    private static void checkStartInRange(JsonNode request, KeySchema key, KeyRange range) {
        Map<String, Value> start = Requests.item(request.get("ExclusiveStartKey"));
        boolean samePartition = range.hash().equals(key.partitionOf(start));
        if (range.sort().isEmpty()) {
            if (!samePartition) {
                throw DynamoDbException.validation("The provided starting key is outside query boundaries based on provided conditions");
            }
            return;
        }
        if (!range.matches(start)) {
            throw DynamoDbException.validation("The provided starting key does not match the range key predicate");
        }
        if (!samePartition) {
            throw DynamoDbException.validation("The query can return at most one row and cannot be restarted");
        }
    }

    /**
     * An ExclusiveStartKey names exactly the table's key attributes and the index's, of their
     * types, checked before the key condition and in DynamoDB's words (as dynalite's suite
     * records them): a Query's, or an index Scan's, "The provided starting key is invalid".
     */
    private static void checkStartKeyShape(JsonNode request, Table table, Optional<Index> index, boolean query) {
        if (!request.hasNonNull("ExclusiveStartKey")) {
            return;
        }
        Map<String, Value> start = Requests.item(request.get("ExclusiveStartKey"));
        KeySchema tableKey = table.key();
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        names.add(tableKey.hashName());
        tableKey.rangeName().ifPresent(names::add);
        index.ifPresent(i -> {
            names.add(i.key().hashName());
            i.key().rangeName().ifPresent(names::add);
        });
        boolean strict = query || index.isPresent();
        if (start.size() != names.size()) {
            throw DynamoDbException.validation(strict ? "The provided starting key is invalid"
                    : "The provided starting key is invalid: The provided key element does not match the schema");
        }
        if (strict) {
            KeySchema schema = index.map(Index::key).orElse(tableKey);
            List<Map.Entry<String, String>> parts = new ArrayList<>(List.of(Map.entry(schema.hashName(), schema.hashType())));
            schema.rangeName().ifPresent(range -> parts.add(Map.entry(range, schema.rangeType().orElseThrow())));
            for (Map.Entry<String, String> part : parts) {
                if (!start.containsKey(part.getKey())) {
                    throw DynamoDbException.validation("The provided starting key is invalid");
                }
                if (!start.get(part.getKey()).type().equals(part.getValue())) {
                    throw DynamoDbException.validation("The provided key element does not match the schema");
                }
            }
        }
    }

    /**
     * A Query's ExclusiveStartKey is checked before its key condition, part by part, as DynamoDB
     * checks them (dynalite's suite records the order and the words): as many attributes as the
     * table's key and the index's, else "The provided starting key is invalid"; the queried key's
     * partition attribute there and of its type ("The provided key element does not match the
     * schema"), the key condition naming it; then its sort attribute alike. The table's own key,
     * where an index is queried, is checked when the key is read ({@link #startKey}).
     */
    private static void checkQueryStartKey(JsonNode request, Table table, Optional<Index> index, KeySchema key, java.util.Set<String> conditioned) {
        if (!request.hasNonNull("ExclusiveStartKey") || key.isMultiAttribute()) {
            return;
        }
        Map<String, Value> start = Requests.item(request.get("ExclusiveStartKey"));
        java.util.Set<String> names = new java.util.LinkedHashSet<>(table.key().names());
        index.ifPresent(i -> names.addAll(i.key().names()));
        if (start.size() != names.size()) {
            throw DynamoDbException.validation("The provided starting key is invalid");
        }
        startKeyPart(start, key.hashName(), key.hashType());
        // A partition key alone with several conditions is refused by the key condition itself ("Query key condition not supported").
        if (!conditioned.contains(key.hashName()) && (key.rangeName().isPresent() || conditioned.size() <= 1)) {
            throw DynamoDbException.validation("Query condition missed key schema element: " + key.hashName());
        }
        key.rangeName().ifPresent(range -> startKeyPart(start, range, key.rangeType().orElseThrow()));
    }

    private static void startKeyPart(Map<String, Value> start, String name, String type) {
        if (!start.containsKey(name)) {
            throw DynamoDbException.validation("The provided starting key is invalid");
        }
        if (!start.get(name).type().equals(type)) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
    }

    /**
     * An update that writes an index key attribute with a value whose type is known before the
     * item is read (a literal, a sum, an ADD's operand) of another type is refused at once, as
     * DynamoDB refuses it (dynalite's suite records its words).
     */
    private static void checkIndexKeyTypes(Table table, Update update) {
        for (Index index : table.indexes()) {
            for (String name : index.key().names()) {
                String expected = table.attributeTypes().get(name);
                for (Update.Action action : update.actions()) {
                    if (!action.path().isTopLevel() || !action.path().attribute().equals(name)) {
                        continue;
                    }
                    Optional<String> type = action instanceof Update.Add add ? Optional.of(add.value().type())
                            : action instanceof Update.Set set ? staticType(set.value()) : Optional.empty();
                    if (type.isPresent() && !type.get().equals(expected)) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for Index Key " + name
                                + " Expected: " + expected + " Actual: " + type.get() + " IndexName: " + index.name());
                    }
                }
            }
        }
    }

    /** Every document path an update writes or reads, in order. */
    private static List<Path> pathsOf(Update update) {
        List<Path> paths = new ArrayList<>();
        for (Update.Action action : update.actions()) {
            paths.add(action.path());
            if (action instanceof Update.Set set) {
                if (set.value() instanceof Update.Single single) {
                    readPaths(single.operand(), paths);
                } else if (set.value() instanceof Update.Plus plus) {
                    readPaths(plus.left(), paths);
                    readPaths(plus.right(), paths);
                } else if (set.value() instanceof Update.Minus minus) {
                    readPaths(minus.left(), paths);
                    readPaths(minus.right(), paths);
                }
            }
        }
        return paths;
    }

    private static void readPaths(Update.SetOperand operand, List<Path> paths) {
        if (operand instanceof Update.PathValue path) {
            paths.add(path.path());
        } else if (operand instanceof Update.IfNotExists ifNotExists) {
            paths.add(ifNotExists.path());
            readPaths(ifNotExists.fallback(), paths);
        } else if (operand instanceof Update.ListAppend append) {
            readPaths(append.first(), paths);
            readPaths(append.second(), paths);
        }
    }

    private static Optional<String> staticType(Update.SetValue value) {
        if (value instanceof Update.Plus || value instanceof Update.Minus) {
            return Optional.of("N");
        }
        Update.SetOperand operand = ((Update.Single) value).operand();
        return operand instanceof Update.Literal literal ? Optional.of(literal.value().type())
                : operand instanceof Update.ListAppend ? Optional.of("L") : Optional.empty();
    }

    /** An UpdateExpression's SET of an index key attribute to a value of another type, found once the value is known. */
    private static void checkIndexKeysWritten(Table table, Update update, Map<String, Value> after) {
        for (Update.Action action : update.actions()) {
            if (!(action instanceof Update.Set) || !action.path().isTopLevel()) {
                continue;
            }
            String name = action.path().attribute();
            Value written = after.get(name);
            boolean indexKey = table.indexes().stream().anyMatch(index -> index.key().names().contains(name));
            if (indexKey && written != null && !written.type().equals(table.attributeTypes().get(name))) {
                throw DynamoDbException.validation("The update expression attempted to update the secondary index key to unsupported type");
            }
        }
    }

    /**
     * Key attributes are scalars: a document path into one is refused before any item is read,
     * the table's keys first, then the indexes' ("Key attributes must be scalars; list random
     * access '[]' and map lookup '.' are not allowed: Key: a", as dynalite's suite records it).
     */
    private static void checkKeyPaths(Table table, List<Path> paths) {
        java.util.Set<String> nested = new java.util.HashSet<>();
        paths.stream().filter(path -> !path.isTopLevel()).forEach(path -> nested.add(path.attribute()));
        if (nested.isEmpty()) {
            return;
        }
        String refused = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";
        for (String name : table.key().names()) {
            if (nested.contains(name)) {
                throw DynamoDbException.validation(refused + "Key: " + name);
            }
        }
        for (Index index : table.indexes()) {
            for (String name : index.key().names()) {
                if (nested.contains(name)) {
                    throw DynamoDbException.validation(refused + "IndexKey: " + name);
                }
            }
        }
    }

    /** Where a page resumes: just after the ExclusiveStartKey, in the table's or the index's order. */
    private static Optional<StorageKey> startKey(JsonNode request, Table table, Optional<Index> index) {
        JsonNode json = request.path("ExclusiveStartKey");
        if (!json.isObject()) {
            return Optional.empty();
        }
        Map<String, Value> start = Requests.item(json);
        Optional<StorageKey> key = index.isPresent() ? index.get().storageKey(start, table.key()) : table.key().keyOf(start).map(table::storageKeyOf);
        return Optional.of(key.orElseThrow(() -> DynamoDbException.validation("The provided starting key is invalid: The provided key element does not match the schema")));
    }

    ObjectNode scan(JsonNode request) {
        readMembers(request);
        Legacy.checkParameters(request, List.of("ProjectionExpression", "FilterExpression"), List.of("AttributesToGet", "ScanFilter", "ConditionalOperator"));
        Optional<List<Path>> attributesToGet = Legacy.attributesToGet(request);
        Legacy.checkConditions(request.get("ScanFilter"), "scanFilter");
        startKeyValues(request);
        checkSegments(request);
        Placeholders placeholders = Requests.placeholders(request);
        Optional<Condition> filter = condition(request, "FilterExpression", placeholders).or(() -> Legacy.filter(request, "ScanFilter"));
        Optional<List<Path>> projection = projection(request, placeholders).or(() -> attributesToGet);
        checkUsed(placeholders);
        Table table = table(request);
        Optional<Index> index = indexOf(table, request);
        checkStartKeyShape(request, table, index, false);
        NavigableMap<StorageKey, Map<String, Value>> all = index.map(i -> (NavigableMap<StorageKey, Map<String, Value>>) i.entries())
                .orElseGet(table::items);
        checkSelect(request, index);
        Optional<StorageKey> start = startKey(request, table, index);
        if (start.isPresent()) {
            all = all.tailMap(start.get(), false);
        }
        // After the start key and Select, as DynamoDB checks them (dynalite's suite records the order).
        projection.ifPresent(paths -> checkKeyPaths(table, paths));
        filter.ifPresent(given -> checkKeyPaths(table, Condition.paths(given)));
        int segments = request.path("TotalSegments").asInt(1);
        int segment = request.path("Segment").asInt(0);
        String hashName = table.key().hashName();
        java.util.function.Predicate<Map<String, Value>> inSegment = segments <= 1 ? item -> true
                : item -> Math.floorMod(item.get(hashName).hashCode(), segments) == segment;
        return page(request, table, index, all.values(), inSegment, filter, projection);
    }

    /** Parallel scan: Segment and TotalSegments come together, 0 <= Segment < TotalSegments <= 1,000,000. */
    private static void checkSegments(JsonNode request) {
        boolean total = request.hasNonNull("TotalSegments");
        boolean segment = request.hasNonNull("Segment");
        if (total && !segment) {
            throw DynamoDbException.validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
        }
        if (segment && !total) {
            throw DynamoDbException.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }
        if (!total) {
            return;
        }
        int segments = request.get("TotalSegments").asInt();
        int index = request.get("Segment").asInt();
        List<String> errors = new ArrayList<>();
        if (index < 0) {
            errors.add("Value '" + index + "' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0");
        }
        if (segments < 1) {
            errors.add("Value '" + segments + "' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        if (segments > 1_000_000) {
            errors.add("Value '" + segments + "' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000");
        }
        if (!errors.isEmpty()) {
            throw DynamoDbException.validation(errors.size() + " validation error" + (errors.size() > 1 ? "s" : "") + " detected: " + String.join("; ", errors));
        }
        if (index >= segments) {
            throw DynamoDbException.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                    + index + " is not less than TotalSegments: " + segments);
        }
    }

    private static Optional<Index> indexOf(Table table, JsonNode request) {
        Optional<String> name = Requests.optionalString(request, "IndexName");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Index index = table.index(name.get()).orElseThrow(() -> DynamoDbException.validation(
                "The table does not have the specified index: " + name.get()));
        if (index.kind() == Index.Kind.GLOBAL && request.path("ConsistentRead").asBoolean(false)) {
            throw DynamoDbException.validation("Consistent reads are not supported on global secondary indexes");
        }
        return Optional.of(index);
    }

    /**
     * One page of a query or scan: items read in order from just after the start key, until the
     * Limit or 1 MB read; the filter applies to what was read, and capacity counts all of it.
     */
    private ObjectNode page(JsonNode request, Table table, Optional<Index> index, Iterable<Map<String, Value>> items,
                            java.util.function.Predicate<Map<String, Value>> inRange, Optional<Condition> filter,
                            Optional<List<Path>> projection) {
        checkSelect(request, index);
        int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
        if (request.has("Limit") && limit < 1) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + limit
                    + "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        // API reference, Query, Select: with neither Select nor a projection, ALL_ATTRIBUTES of a table, ALL_PROJECTED_ATTRIBUTES of an index.
        String select = request.path("Select").asText(projection.isPresent() ? "SPECIFIC_ATTRIBUTES" : index.isPresent() ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES");
        KeySchema tableKey = table.key();
        KeySchema ordering = index.map(Index::key).orElse(tableKey);
        boolean fetched = fetchesFromTable(index, tableKey, select, projection);
        ArrayNode found = JsonTrees.array();
        int count = 0;
        int scanned = 0;
        long bytesRead = 0;
        long indexBytes = 0;
        Optional<Map<String, Value>> last = Optional.empty();
        for (Map<String, Value> entry : items) {
            if (scanned == limit || bytesRead >= PAGE_BYTES) {
                break;
            }
            if (!inRange.test(entry)) {
                continue;
            }
            Map<String, Value> item = fetched ? table.get(tableKey.keyOf(entry).orElseThrow()).orElse(entry) : entry;
            scanned++;
            bytesRead += ItemSizes.of(item);
            indexBytes += fetched ? ItemSizes.of(entry) : 0;
            last = Optional.of(entry);
            if (holds(filter, item, "FilterExpression")) {
                count++;
                if (!select.equals("COUNT")) {
                    found.add(AttributeValues.write(projection.map(paths -> Documents.project(item, paths)).orElse(item)));
                }
            }
        }
        ObjectNode answer = JsonTrees.object();
        if (!select.equals("COUNT")) {
            answer.set("Items", found);
        }
        answer.put("Count", count).put("ScannedCount", scanned);
        // A read stopped by Limit or the 1 MB page names where it stopped, whether or not an item follows (API reference,
        // Query: "If LastEvaluatedKey is not empty, it does not necessarily mean that there is more data"), as dynalite does.
        boolean stopped = scanned == limit || bytesRead >= PAGE_BYTES;
        if (stopped && last.isPresent()) {
            Map<String, Value> lastKey = new LinkedHashMap<>();
            Map<String, Value> lastItem = last.get();
            for (KeySchema schema : List.of(tableKey, ordering)) {
                schema.keyOf(lastItem).ifPresent(lastKey::putAll);
            }
            answer.set("LastEvaluatedKey", AttributeValues.write(lastKey));
        }
        boolean consistent = request.path("ConsistentRead").asBoolean(false);
        if (fetched) {
            // The index's entries read, and the table's items fetched for them, each rounded up to 4 KB on its own.
            double tableUnits = bytesRead == 0 ? 0 : readUnits(bytesRead, consistent);
            double indexUnits = readUnits(indexBytes, consistent);
            readCapacity(request, answer, table, tableUnits + indexUnits, index);
            if (answer.path("ConsumedCapacity").has("Table")) {
                ((ObjectNode) answer.path("ConsumedCapacity").path("Table")).put("CapacityUnits", tableUnits);
                ((ObjectNode) answer.path("ConsumedCapacity").path("LocalSecondaryIndexes").path(index.orElseThrow().name())).put("CapacityUnits", indexUnits);
            }
        } else {
            readCapacity(request, answer, table, readUnits(bytesRead, consistent), index);
        }
        return answer;
    }

    /**
     * A local index that does not project all gives the table's item where the request asks for
     * what the index lacks: "If you query or scan a local secondary index, you can request
     * attributes that are not projected in to the index. DynamoDB automatically fetches those
     * attributes from the base table" (developer guide, "Local secondary indexes", projected
     * attributes); Select ALL_ATTRIBUTES asks for all (a global index refuses it: checkSelect).
     */
    private static boolean fetchesFromTable(Optional<Index> index, KeySchema tableKey, String select, Optional<List<Path>> projection) {
        if (index.isEmpty() || index.get().kind() != Index.Kind.LOCAL || index.get().projectionType().equals("ALL")) {
            return false;
        }
        if (select.equals("ALL_ATTRIBUTES")) {
            return true;
        }
        if (!select.equals("SPECIFIC_ATTRIBUTES") || projection.isEmpty()) {
            return false;
        }
        java.util.Set<String> projected = new java.util.HashSet<>(index.get().nonKeyAttributes());
        projected.addAll(index.get().key().names());
        projected.addAll(tableKey.names());
        return projection.get().stream().anyMatch(path -> !projected.contains(path.attribute()));
    }

    ObjectNode batchGet(JsonNode request) {
        Constraints constraints = batchConstraints(request, false);
        for (var entry : iterable(request.path("RequestItems").fields())) {
            String at = "requestItems." + entry.getKey() + ".member.";
            constraints.notNull(entry.getValue().get("Keys"), at + "keys").length(entry.getValue().get("Keys"), at + "keys", 1, 100)
                    .length(entry.getValue().get("AttributesToGet"), at + "attributesToGet", 1, 255);
        }
        constraints.check();
        int keys = 0;
        for (var entry : iterable(request.path("RequestItems").fields())) {
            JsonNode tableRequest = entry.getValue();
            Legacy.checkParameters(tableRequest, List.of("ProjectionExpression"), List.of("AttributesToGet"));
            Legacy.attributesToGet(tableRequest);
            Placeholders placeholders = Requests.placeholders(tableRequest);
            projection(tableRequest, placeholders);
            checkUsed(placeholders);
            List<Map<String, Value>> seen = new ArrayList<>();
            for (JsonNode keyJson : tableRequest.path("Keys")) {
                Map<String, Value> key = Requests.item(keyJson);
                if (seen.contains(key)) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                seen.add(key);
                if (++keys > 100) {
                    throw DynamoDbException.validation("Too many items requested for the BatchGetItem call");
                }
            }
        }
        ObjectNode answer = JsonTrees.object();
        ObjectNode responses = answer.putObject("Responses");
        ArrayNode consumed = JsonTrees.array();
        for (var entry : iterable(request.path("RequestItems").fields())) {
            Table table = catalog.get(entry.getKey());
            if (table == null) {
                throw DynamoDbException.notFound("Requested resource not found");
            }
            JsonNode tableRequest = entry.getValue();
            Placeholders placeholders = Requests.placeholders(tableRequest);
            Optional<List<Path>> projection = projection(tableRequest, placeholders).or(() -> Legacy.attributesToGet(tableRequest));
            checkUsed(placeholders);
            ArrayNode items = responses.putArray(entry.getKey());
            double units = 0;
            boolean consistent = tableRequest.path("ConsistentRead").asBoolean(false);
            List<Map<String, Value>> tableKeys = new ArrayList<>();
            for (JsonNode keyJson : tableRequest.path("Keys")) {
                Map<String, Value> key = Requests.key(table, keyJson);
                if (tableKeys.contains(key)) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                tableKeys.add(key);
            }
            for (Map<String, Value> key : tableKeys) {
                Optional<Map<String, Value>> item = table.get(key);
                item.ifPresent(found -> items.add(AttributeValues.write(projection.map(paths -> Documents.project(found, paths)).orElse(found))));
                units += readUnits(item.map(ItemSizes::of).orElse(0L), consistent);
            }
            ObjectNode tableConsumed = consumed.addObject().put("TableName", table.name()).put("CapacityUnits", units);
            if (request.path("ReturnConsumedCapacity").asText().equals("INDEXES")) {
                tableConsumed.putObject("Table").put("CapacityUnits", units);
            }
        }
        answer.putObject("UnprocessedKeys");
        if (!request.path("ReturnConsumedCapacity").asText("NONE").equals("NONE")) {
            answer.set("ConsumedCapacity", consumed);
        }
        return answer;
    }

    ObjectNode batchWrite(JsonNode request) {
        batchConstraints(request, true).check();
        int requests = 0;
        for (var entry : iterable(request.path("RequestItems").fields())) {
            for (JsonNode write : entry.getValue()) {
                if (write.isEmpty()) {
                    // DynamoDB's words for a WriteRequest with neither PutRequest nor DeleteRequest.
                    throw DynamoDbException.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
                }
            }
            for (JsonNode write : entry.getValue()) {
                if (write.has("PutRequest")) {
                    Map<String, Value> item = Requests.item(write.path("PutRequest").path("Item"));
                    if (ItemSizes.of(item) > Requests.MAX_ITEM_BYTES) {
                        throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
                    }
                } else {
                    Requests.item(write.path("DeleteRequest").path("Key"));
                }
            }
            requests += entry.getValue().size();
        }
        if (requests > 25) {
            throw DynamoDbException.validation("Too many items requested for the BatchWriteItem call");
        }
        record Pending(Table table, Map<String, Value> key, Optional<Map<String, Value>> item) {}
        List<Pending> pending = new ArrayList<>();
        for (var entry : iterable(request.path("RequestItems").fields())) {
            Table table = catalog.get(entry.getKey());
            if (table == null) {
                throw DynamoDbException.notFound("Requested resource not found");
            }
            List<Map<String, Value>> seen = new ArrayList<>();
            for (JsonNode write : entry.getValue()) {
                Pending next;
                if (write.has("PutRequest")) {
                    Map<String, Value> item = Requests.item(write.path("PutRequest").path("Item"));
                    Requests.checkItem(table, item);
                    next = new Pending(table, table.key().keyOf(item).orElseThrow(), Optional.of(item));
                } else {
                    next = new Pending(table, Requests.key(table, write.path("DeleteRequest").path("Key")), Optional.empty());
                }
                if (seen.contains(next.key())) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                seen.add(next.key());
                pending.add(next);
            }
        }
        Map<Table, List<Table.Written>> written = new LinkedHashMap<>();
        for (Pending write : pending) {
            written.computeIfAbsent(write.table(), any -> new ArrayList<>()).add(write.table().write(write.key(), current -> write.item()));
        }
        ObjectNode answer = JsonTrees.object();
        answer.putObject("UnprocessedItems");
        // API reference, BatchWriteItem: ConsumedCapacity, one entry a table, each write's units as PutItem or DeleteItem counts them.
        String mode = request.path("ReturnConsumedCapacity").asText("NONE");
        if (!mode.equals("NONE")) {
            ArrayNode consumed = answer.putArray("ConsumedCapacity");
            written.forEach((table, writes) -> consumed.add(consumedByWrites(mode, table,
                    writes.stream().mapToDouble(ItemOperations::writeUnits).sum(), writes)));
        }
        return answer;
    }

    /**
     * BatchGetItem's and BatchWriteItem's member constraints (API reference): RequestItems present,
     * 1 to 100 tables named as tables are, and for a write, 1 to 25 requests a table.
     */
    private static Constraints batchConstraints(JsonNode request, boolean write) {
        Constraints constraints = new Constraints();
        constraints.oneOf(request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", List.of("INDEXES", "TOTAL", "NONE"));
        JsonNode items = request.get("RequestItems");
        constraints.notNull(items, "requestItems").length(items, "requestItems", 1, 100);
        if (items != null && items.isObject()) {
            boolean badName = false;
            boolean badSize = false;
            for (var entry : iterable(items.fields())) {
                String name = entry.getKey();
                badName |= name.length() < 3 || name.length() > 255 || !name.matches(Constraints.NAME_PATTERN);
                badSize |= write && (entry.getValue().size() < 1 || entry.getValue().size() > 25);
            }
            if (badName) {
                constraints.broken(items, "requestItems", "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
                        + "Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: " + Constraints.NAME_PATTERN + "]");
            }
            if (badSize) {
                constraints.broken(items, "requestItems", "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
                        + "Member must have length greater than or equal to 1]");
            }
        }
        if (write) {
            constraints.oneOf(request.get("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics", List.of("SIZE", "NONE"));
        }
        return constraints;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }

    /**
     * For a table with local secondary indexes, the size of the written item's collection (the
     * items sharing its partition key, and their local index copies), as DynamoDB estimates it: a range in GB.
     */
    private static void itemCollectionMetrics(JsonNode request, ObjectNode answer, Table table, Table.Written written) {
        if (!table.hasLocalIndexes() || !request.path("ReturnItemCollectionMetrics").asText("NONE").equals("SIZE")) {
            return;
        }
        Map<String, Value> item = written.after().or(written::before).orElse(null);
        if (item == null) {
            return;
        }
        String hashName = table.key().hashName();
        long bytes = table.collectionSize(item.get(hashName));
        double gb = bytes / (1024.0 * 1024 * 1024);
        ObjectNode metrics = answer.putObject("ItemCollectionMetrics");
        metrics.putObject("ItemCollectionKey").set(hashName, AttributeValues.write(item.get(hashName)));
        metrics.putArray("SizeEstimateRangeGB").add(Math.floor(gb)).add(Math.floor(gb) + 1.0);
    }

    /** Reads cost one unit per 4 KB read (at least one), half that when eventually consistent. */
    static double readUnits(long bytes, boolean consistent) {
        double units = Math.max(1, Math.ceil(bytes / 4096.0));
        return consistent ? units : units / 2;
    }

    /** Writes cost one unit per 1 KB of the larger of the item before and after, at least one. */
    static double writeUnits(Table.Written written) {
        long bytes = Math.max(written.before().map(ItemSizes::of).orElse(0L), written.after().map(ItemSizes::of).orElse(0L));
        return Math.max(1, Math.ceil(bytes / 1024.0));
    }

    private static void capacity(JsonNode request, ObjectNode answer, Table table, double units, Table.Written written) {
        String mode = request.path("ReturnConsumedCapacity").asText("NONE");
        if (mode.equals("NONE")) {
            return;
        }
        answer.set("ConsumedCapacity", consumedByWrites(mode, table, units, List.of(written)));
    }

    /** What writes of one table consumed: {@code units} of the table's, and each index's (mode INDEXES: apart). */
    private static ObjectNode consumedByWrites(String mode, Table table, double units, List<Table.Written> writes) {
        double total = units;
        ObjectNode global = JsonTrees.object();
        ObjectNode local = JsonTrees.object();
        for (Index index : table.indexes()) {
            double indexUnits = writes.stream().mapToDouble(written -> indexWriteUnits(index, table.key(), written)).sum();
            if (indexUnits > 0) {
                total += indexUnits;
                (index.kind() == Index.Kind.GLOBAL ? global : local).putObject(index.name()).put("CapacityUnits", indexUnits);
            }
        }
        ObjectNode consumed = JsonTrees.object().put("TableName", table.name()).put("CapacityUnits", total);
        if (mode.equals("INDEXES")) {
            consumed.putObject("Table").put("CapacityUnits", units);
            if (!global.isEmpty()) {
                consumed.set("GlobalSecondaryIndexes", global);
            }
            if (!local.isEmpty()) {
                consumed.set("LocalSecondaryIndexes", local);
            }
        }
        return consumed;
    }

    /**
     * An index write costs one unit per 1 KB of its projected item for each entry added or
     * removed; an entry rewritten in place (same index key) costs once.
     */
    private static double indexWriteUnits(Index index, KeySchema tableKey, Table.Written written) {
        Optional<Map<String, Value>> before = written.before().filter(item -> index.key().keyOf(item).isPresent());
        Optional<Map<String, Value>> after = written.after().filter(item -> index.key().keyOf(item).isPresent());
        double units = 0;
        if (before.isPresent() && after.isPresent() && index.key().keyOf(before.get()).equals(index.key().keyOf(after.get()))) {
            return Math.max(1, Math.ceil(Math.max(ItemSizes.of(index.projectionOf(before.get(), tableKey)),
                    ItemSizes.of(index.projectionOf(after.get(), tableKey))) / 1024.0));
        }
        if (before.isPresent()) {
            units += Math.max(1, Math.ceil(ItemSizes.of(index.projectionOf(before.get(), tableKey)) / 1024.0));
        }
        if (after.isPresent()) {
            units += Math.max(1, Math.ceil(ItemSizes.of(index.projectionOf(after.get(), tableKey)) / 1024.0));
        }
        return units;
    }

    private static void readCapacity(JsonNode request, ObjectNode answer, Table table, double units, Optional<Index> index) {
        String mode = request.path("ReturnConsumedCapacity").asText("NONE");
        if (mode.equals("NONE")) {
            return;
        }
        ObjectNode consumed = answer.putObject("ConsumedCapacity").put("TableName", table.name()).put("CapacityUnits", units);
        if (mode.equals("INDEXES")) {
            if (index.isPresent()) {
                consumed.putObject("Table").put("CapacityUnits", 0.0);
                consumed.putObject(index.get().kind() == Index.Kind.GLOBAL ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes")
                        .putObject(index.get().name()).put("CapacityUnits", units);
            } else {
                consumed.putObject("Table").put("CapacityUnits", units);
            }
        }
    }

    /** A key condition: the partition key's equality, and at most one condition on the sort key. */
    private record KeyRange(Value hash, Optional<Condition> sort) {
        static KeyRange of(Condition condition, KeySchema key) {
            List<Condition> parts = new ArrayList<>();
            flatten(condition, parts);
            if (key.isMultiAttribute()) {
                return ofMultiAttribute(parts, key);
            }
            if (key.rangeName().isEmpty() && parts.size() > 1 && parts.stream().allMatch(part -> subject(part).isPresent())) {
                // A partition key alone takes one condition (legacy KeyConditions are refused alike: Legacy.keyConditions).
                throw DynamoDbException.validation("Query key condition not supported");
            }
            Optional<Value> hash = Optional.empty();
            Optional<Condition> sort = Optional.empty();
            for (Condition part : parts) {
                Optional<String> attribute = subject(part);
                if (attribute.isEmpty()) {
                    throw DynamoDbException.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: " + operator(part));
                }
                if (attribute.get().equals(key.hashName())) {
                    // The value's type is checked before the operator, as legacy KeyConditions are (Legacy.keyConditions).
                    if (part instanceof Condition.Compare compared && compared.right() instanceof Operand.Literal value && !value.value().type().equals(key.hashType())) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
                    }
                    if (!(part instanceof Condition.Compare compare) || compare.comparator() != Condition.Comparator.EQ
                            || !(compare.right() instanceof Operand.Literal literal)) {
                        throw DynamoDbException.validation("Query key condition not supported");
                    }
                    if (hash.isPresent()) {
                        throw DynamoDbException.validation("KeyConditionExpressions must only contain one condition per key");
                    }
                    hash = Optional.of(literal.value());
                } else if (key.rangeName().filter(attribute.get()::equals).isPresent()) {
                    if (sort.isPresent()) {
                        throw DynamoDbException.validation("KeyConditionExpressions must only contain one condition per key");
                    }
                    sort = Optional.of(part);
                } else {
                    // A condition on another attribute: DynamoDB names the partition key as missed unless a condition names it.
                    boolean hashNamed = parts.stream().map(KeyRange::subject).anyMatch(Optional.of(key.hashName())::equals);
                    throw DynamoDbException.validation("Query condition missed key schema element: " + (hashNamed ? key.rangeName().orElse(key.hashName()) : key.hashName()));
                }
            }
            Value partition = hash.orElseThrow(() -> DynamoDbException.validation("Query condition missed key schema element: " + key.hashName()));
            if (!partition.type().equals(key.hashType())) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
            }
            return new KeyRange(partition, sort);
        }

        /**
         * A key condition on a multi-attribute key (developer guide, "Multi-attribute key schema",
         * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys):
         * an equality on every partition key attribute; on the sort key attributes, conditions
         * from the first one on, left to right without a gap, each an equality but the last,
         * which may also be <, <=, >, >=, BETWEEN or begins_with. The partition value is then the
         * tuple of the partition attributes' values; the sort conditions are tested on each item
         * of the partition, which is in sort-tuple order.
         */
        private static KeyRange ofMultiAttribute(List<Condition> parts, KeySchema key) {
            Map<String, Value> hashValues = new java.util.HashMap<>();
            Condition[] sortConditions = new Condition[key.rangeParts().size()];
            List<String> hashNames = key.hashParts().stream().map(KeySchema.Part::name).toList();
            List<String> rangeNames = key.rangeParts().stream().map(KeySchema.Part::name).toList();
            for (Condition part : parts) {
                Optional<String> attribute = subject(part);
                if (attribute.isEmpty()) {
                    throw DynamoDbException.validation("Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: " + operator(part));
                }
                String name = attribute.get();
                if (hashNames.contains(name)) {
                    if (!(part instanceof Condition.Compare compare) || compare.comparator() != Condition.Comparator.EQ
                            || !(compare.right() instanceof Operand.Literal literal)) {
                        throw DynamoDbException.validation("Query key condition not supported: partition key attribute " + name
                                + " of a multi-attribute key must be given with =");
                    }
                    hashValues.put(name, literal.value());
                } else if (rangeNames.contains(name)) {
                    sortConditions[rangeNames.indexOf(name)] = part;
                } else {
                    String missing = hashNames.stream().filter(hash -> !hashValues.containsKey(hash)).findFirst().orElse(rangeNames.isEmpty() ? hashNames.get(0) : rangeNames.get(0));
                    throw DynamoDbException.validation("Query condition missed key schema element: " + missing);
                }
            }
            for (KeySchema.Part part : key.hashParts()) {
                Value value = hashValues.get(part.name());
                if (value == null) {
                    throw DynamoDbException.validation("Query condition missed key schema element: " + part.name());
                }
                if (!value.type().equals(part.type())) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
                }
            }
            int given = 0;
            while (given < sortConditions.length && sortConditions[given] != null) {
                given++;
            }
            for (int later = given; later < sortConditions.length; later++) {
                if (sortConditions[later] != null) {
                    throw DynamoDbException.validation("Query key condition not supported: sort key attribute " + rangeNames.get(later)
                            + " is given without " + rangeNames.get(given) + "; sort key attributes of a multi-attribute key are given left to right");
                }
            }
            Optional<Condition> sort = Optional.empty();
            for (int k = 0; k < given; k++) {
                Condition part = sortConditions[k];
                boolean equality = part instanceof Condition.Compare compare && compare.comparator() == Condition.Comparator.EQ;
                if (k < given - 1 && !equality) {
                    throw DynamoDbException.validation("Query key condition not supported: only the last sort key attribute given, "
                            + rangeNames.get(given - 1) + ", may have a condition other than =; " + rangeNames.get(k) + " has " + operator(part));
                }
                Condition next = part;
                sort = Optional.of(sort.<Condition>map(earlier -> new Condition.And(earlier, next)).orElse(part));
            }
            List<Value> tuple = key.hashParts().stream().map(part -> hashValues.get(part.name())).toList();
            return new KeyRange(new Value.L(tuple), sort);
        }

        private static void flatten(Condition condition, List<Condition> parts) {
            if (condition instanceof Condition.And and) {
                flatten(and.left(), parts);
                flatten(and.right(), parts);
            } else if (condition instanceof Condition.Or || condition instanceof Condition.Not || condition instanceof Condition.In) {
                throw DynamoDbException.validation("Invalid operator used in KeyConditionExpression: " + operator(condition));
            } else {
                parts.add(condition);
            }
        }

        private static String operator(Condition condition) {
            if (condition instanceof Condition.Or) {
                return "OR";
            }
            if (condition instanceof Condition.Not) {
                return "NOT";
            }
            if (condition instanceof Condition.In) {
                return "IN";
            }
            if (condition instanceof Condition.Function function) {
                return function.name();
            }
            return condition instanceof Condition.Compare compare ? compare.comparator().name() : "BETWEEN";
        }

        private static Optional<String> subject(Condition condition) {
            Operand subject;
            if (condition instanceof Condition.Compare compare) {
                if (compare.comparator() == Condition.Comparator.NE) {
                    return Optional.empty();
                }
                subject = compare.left();
            } else if (condition instanceof Condition.Between between) {
                subject = between.subject();
            } else if (condition instanceof Condition.Function function && function.name().equals("begins_with")) {
                subject = function.arguments().get(0);
            } else {
                return Optional.empty();
            }
            return subject instanceof Operand.Attribute attribute && attribute.path().isTopLevel()
                    ? Optional.of(attribute.path().attribute()) : Optional.empty();
        }

        boolean matches(Map<String, Value> item) {
            return sort.map(condition -> Evaluator.test(condition, item, "KeyConditionExpression")).orElse(true);
        }
    }
}
