package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.expression.Condition;
import dev.usersapi.engine.expression.Operand;
import dev.usersapi.engine.expression.Path;
import dev.usersapi.engine.expression.Update;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.table.KeySchema;
import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.InvalidValueException;
import dev.usersapi.engine.value.Ordering;
import dev.usersapi.engine.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy parameters (developer guide, "Legacy conditional parameters"; API reference,
 * Condition, ExpectedAttributeValue, AttributeValueUpdate): KeyConditions, QueryFilter,
 * ScanFilter, AttributesToGet, AttributeUpdates, Expected and ConditionalOperator, checked with
 * DynamoDB's messages and translated into the expression model, so one evaluator serves both.
 */
final class Legacy {
    private static final List<String> OPERATORS = List.of("IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE",
            "BEGINS_WITH", "GE", "CONTAINS");
    /** What each operator of a Condition takes (API reference, Condition: ComparisonOperator). */
    private static final Map<String, List<String>> TYPES = Map.ofEntries(
            Map.entry("EQ", List.of("S", "N", "B", "SS", "NS", "BS")), Map.entry("NE", List.of("S", "N", "B", "SS", "NS", "BS")),
            Map.entry("LE", List.of("S", "N", "B")), Map.entry("LT", List.of("S", "N", "B")), Map.entry("GE", List.of("S", "N", "B")),
            Map.entry("GT", List.of("S", "N", "B")), Map.entry("CONTAINS", List.of("S", "N", "B")),
            Map.entry("NOT_CONTAINS", List.of("S", "N", "B")), Map.entry("BEGINS_WITH", List.of("S", "B")),
            Map.entry("IN", List.of("S", "N", "B")), Map.entry("BETWEEN", List.of("S", "N", "B")));
    static final String TYPE_MISMATCH = "Type mismatch for attribute to update";

    private Legacy() {}

    /**
     * A legacy parameter and its expression counterpart may not meet in one request, and
     * ExpressionAttributeNames and -Values come only with an expression that can use them.
     */
    static void checkParameters(JsonNode request, List<String> expressions, List<String> legacy) {
        List<String> given = expressions.stream().filter(request::hasNonNull).toList();
        if (!given.isEmpty()) {
            List<String> mixed = new ArrayList<>(legacy.stream().filter(request::hasNonNull).toList());
            // KeyConditions beside a FilterExpression or ProjectionExpression, with no KeyConditionExpression, is allowed.
            if (!request.hasNonNull("KeyConditionExpression")) {
                mixed.remove("KeyConditions");
            }
            if (!mixed.isEmpty()) {
                throw DynamoDbException.validation("Can not use both expression and non-expression parameters in the same request: "
                        + "Non-expression parameters: {" + String.join(", ", mixed) + "} Expression parameters: {" + String.join(", ", given) + "}");
            }
        }
        if (request.hasNonNull("ExpressionAttributeNames") && given.isEmpty()) {
            throw DynamoDbException.validation("ExpressionAttributeNames can only be specified when using expressions");
        }
        List<String> valued = expressions.stream().filter(expression -> !expression.equals("ProjectionExpression")).toList();
        if (!valued.isEmpty() && request.hasNonNull("ExpressionAttributeValues") && valued.stream().noneMatch(request::hasNonNull)) {
            throw DynamoDbException.validation("ExpressionAttributeValues can only be specified when using expressions: "
                    + String.join(" and ", valued) + " " + (valued.size() > 1 ? "are" : "is") + " null");
        }
        enumValue(request, "ConditionalOperator", "conditionalOperator", List.of("OR", "AND"));
    }

    private static void enumValue(JsonNode json, String member, String at, List<String> allowed) {
        JsonNode value = json.get(member);
        if (value != null && !value.isNull() && !allowed.contains(value.asText())) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + value.asText() + "' at '" + at
                    + "' failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
        }
    }

    private static Value value(JsonNode json) {
        try {
            return AttributeValues.read(json);
        } catch (InvalidValueException e) {
            throw DynamoDbException.validation(e.getMessage());
        }
    }

    /** AttributesToGet: top-level names, no repeats (API reference, GetItem: AttributesToGet). */
    static Optional<List<Path>> attributesToGet(JsonNode request) {
        JsonNode names = request.get("AttributesToGet");
        if (names == null || names.isNull()) {
            return Optional.empty();
        }
        if (names.isEmpty() || names.size() > 255) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + text(names) + "' at 'attributesToGet' failed to satisfy constraint: "
                    + (names.isEmpty() ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 255"));
        }
        Set<String> seen = new HashSet<>();
        List<Path> paths = new ArrayList<>();
        for (JsonNode name : names) {
            if (!seen.add(name.asText())) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Duplicate value in attribute name: " + name.asText());
            }
            paths.add(Path.of(name.asText()));
        }
        return Optional.of(paths);
    }

    private static String text(JsonNode list) {
        List<String> shown = new ArrayList<>();
        list.forEach(element -> shown.add(element.asText()));
        return "[" + String.join(", ", shown) + "]";
    }

    // ---- Conditions: KeyConditions, QueryFilter, ScanFilter ----

    /** Checks a map of Conditions as DynamoDB does: operator, number and types of values, BETWEEN's bounds. */
    static void checkConditions(JsonNode conditions, String at) {
        if (conditions == null || conditions.isNull()) {
            return;
        }
        for (var entry : iterable(conditions.fields())) {
            JsonNode condition = entry.getValue();
            String where = at + "." + entry.getKey() + ".member.comparisonOperator";
            if (!condition.hasNonNull("ComparisonOperator")) {
                throw DynamoDbException.validation("1 validation error detected: Value null at '" + where + "' failed to satisfy constraint: Member must not be null");
            }
            enumValue(condition, "ComparisonOperator", where, OPERATORS);
        }
        for (var entry : iterable(conditions.fields())) {
            JsonNode condition = entry.getValue();
            String operator = condition.get("ComparisonOperator").asText();
            List<Value> values = new ArrayList<>();
            condition.path("AttributeValueList").forEach(json -> values.add(value(json)));
            int count = values.size();
            boolean rightCount = switch (operator) {
                case "NULL", "NOT_NULL" -> count == 0;
                case "IN" -> count >= 1;
                case "BETWEEN" -> count == 2;
                default -> count == 1;
            };
            if (!rightCount) {
                throw invalidArguments(operator);
            }
            checkSameType(values);
            List<String> types = TYPES.get(operator);
            for (Value value : values) {
                if (types != null && !types.contains(value.type())) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: ComparisonOperator " + operator
                            + " is not valid for " + value.type() + " AttributeValue type");
                }
            }
            checkBetween(operator, values);
        }
    }

    private static DynamoDbException invalidArguments(String operator) {
        return DynamoDbException.validation("One or more parameter values were invalid: Invalid number of argument(s) for the " + operator + " ComparisonOperator");
    }

    private static void checkSameType(List<Value> values) {
        if (values.stream().map(Value::type).distinct().count() > 1) {
            throw DynamoDbException.validation("One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type");
        }
    }

    private static void checkBetween(String operator, List<Value> values) {
        if (operator.equals("BETWEEN") && Ordering.compare(values.get(0), values.get(1)).map(c -> c > 0).orElse(false)) {
            throw DynamoDbException.validation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
        }
    }

    /** One Condition on one attribute, as the expression it stands for. */
    private static Condition condition(String attribute, String operator, List<Value> values) {
        Operand subject = new Operand.Attribute(Path.of(attribute));
        List<Operand> literals = values.stream().<Operand>map(Operand.Literal::new).toList();
        return switch (operator) {
            case "EQ" -> new Condition.Compare(Condition.Comparator.EQ, subject, literals.get(0));
            case "NE" -> new Condition.Compare(Condition.Comparator.NE, subject, literals.get(0));
            case "LT" -> new Condition.Compare(Condition.Comparator.LT, subject, literals.get(0));
            case "LE" -> new Condition.Compare(Condition.Comparator.LE, subject, literals.get(0));
            case "GT" -> new Condition.Compare(Condition.Comparator.GT, subject, literals.get(0));
            case "GE" -> new Condition.Compare(Condition.Comparator.GE, subject, literals.get(0));
            case "NULL" -> new Condition.Function("attribute_not_exists", List.of(subject));
            case "NOT_NULL" -> new Condition.Function("attribute_exists", List.of(subject));
            case "CONTAINS" -> new Condition.Function("contains", List.of(subject, literals.get(0)));
            case "NOT_CONTAINS" -> new Condition.Not(new Condition.Function("contains", List.of(subject, literals.get(0))));
            case "BEGINS_WITH" -> new Condition.Function("begins_with", List.of(subject, literals.get(0)));
            case "IN" -> new Condition.In(subject, literals);
            case "BETWEEN" -> new Condition.Between(subject, literals.get(0), literals.get(1));
            default -> throw new IllegalStateException(operator);
        };
    }

    private static List<Value> values(JsonNode condition) {
        List<Value> values = new ArrayList<>();
        condition.path("AttributeValueList").forEach(json -> values.add(value(json)));
        return values;
    }

    /** QueryFilter or ScanFilter, joined by ConditionalOperator (AND when absent). */
    static Optional<Condition> filter(JsonNode request, String member) {
        JsonNode conditions = request.get(member);
        if (conditions == null || conditions.isNull() || conditions.isEmpty()) {
            return Optional.empty();
        }
        List<Condition> parts = new ArrayList<>();
        for (var entry : iterable(conditions.fields())) {
            parts.add(condition(entry.getKey(), entry.getValue().get("ComparisonOperator").asText(), values(entry.getValue())));
        }
        return Optional.of(join(parts, request.path("ConditionalOperator").asText("AND")));
    }

    private static Condition join(List<Condition> parts, String operator) {
        Condition joined = parts.get(0);
        for (Condition next : parts.subList(1, parts.size())) {
            joined = operator.equals("OR") ? new Condition.Or(joined, next) : new Condition.And(joined, next);
        }
        return joined;
    }

    /** The attributes a QueryFilter names that are the queried key's: DynamoDB refuses them. */
    static void checkFilterOnKey(JsonNode request, KeySchema key) {
        JsonNode filter = request.path("QueryFilter");
        for (String attribute : key.names()) {
            if (filter.has(attribute)) {
                throw DynamoDbException.validation("QueryFilter can only contain non-primary key attributes: Primary key attribute: " + attribute);
            }
        }
    }

    /** A Query's KeyConditions: its partition key value, and the sort key's condition, with DynamoDB's refusals in its order. */
    record KeyConditions(Value hash, Optional<Condition> sort) {}

    static KeyConditions keyConditions(JsonNode conditions, KeySchema key) {
        int given = conditions.size();
        if (given != 1 && given != 2) {
            throw DynamoDbException.validation("Conditions can be of length 1 or 2 only");
        }
        Value hash = null;
        Optional<Condition> sort = Optional.empty();
        List<Map.Entry<String, String>> parts = new ArrayList<>();
        parts.add(Map.entry(key.hashName(), key.hashType()));
        key.rangeName().ifPresent(range -> parts.add(Map.entry(range, key.rangeType().orElseThrow())));
        for (Map.Entry<String, String> part : parts) {
            boolean isHash = part.getKey().equals(key.hashName());
            if (isHash && key.rangeName().isEmpty() && given > 1) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
            JsonNode condition = conditions.get(part.getKey());
            if (condition == null) {
                if (isHash || given > 1) {
                    throw DynamoDbException.validation("Query condition missed key schema element: " + part.getKey());
                }
                continue;
            }
            String operator = condition.get("ComparisonOperator").asText();
            if (List.of("NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN").contains(operator)) {
                throw DynamoDbException.validation("Attempted conditional constraint is not an indexable operation");
            }
            List<Value> values = values(condition);
            if (values.stream().anyMatch(value -> !value.type().equals(part.getValue()))) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
            }
            if (isHash && !operator.equals("EQ")) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
            if (isHash) {
                hash = values.get(0);
            } else {
                sort = Optional.of(condition(part.getKey(), operator, values));
            }
        }
        return new KeyConditions(hash, sort);
    }

    // ---- Expected ----

    /** Expected, checked as DynamoDB checks ExpectedAttributeValue, as one condition joined by ConditionalOperator. */
    static Optional<Condition> expected(JsonNode request) {
        JsonNode expected = request.get("Expected");
        if (expected == null || expected.isNull()) {
            return Optional.empty();
        }
        for (var entry : iterable(expected.fields())) {
            enumValue(entry.getValue(), "ComparisonOperator", "expected." + entry.getKey() + ".member.comparisonOperator", OPERATORS);
        }
        List<Condition> parts = new ArrayList<>();
        for (var entry : iterable(expected.fields())) {
            parts.add(expectation(entry.getKey(), entry.getValue()));
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(join(parts, request.path("ConditionalOperator").asText("AND")));
    }

    private static Condition expectation(String attribute, JsonNode expectation) {
        String invalid = "One or more parameter values were invalid: ";
        boolean hasList = expectation.hasNonNull("AttributeValueList");
        boolean hasValue = expectation.hasNonNull("Value");
        if (hasList && hasValue) {
            throw DynamoDbException.validation(invalid + "Value and AttributeValueList cannot be used together for Attribute: " + attribute);
        }
        if (expectation.hasNonNull("ComparisonOperator")) {
            String operator = expectation.get("ComparisonOperator").asText();
            if (expectation.hasNonNull("Exists")) {
                throw DynamoDbException.validation(invalid + "Exists and ComparisonOperator cannot be used together for Attribute: " + attribute);
            }
            if (!operator.equals("NULL") && !operator.equals("NOT_NULL") && !hasList && !hasValue) {
                throw DynamoDbException.validation(invalid + "Value or AttributeValueList must be used with ComparisonOperator: " + operator
                        + " for Attribute: " + attribute);
            }
            List<Value> values = hasList ? values(expectation) : hasValue ? List.of(value(expectation.get("Value"))) : List.of();
            int count = values.size();
            boolean rightCount = switch (operator) {
                case "NULL", "NOT_NULL" -> count == 0;
                case "IN" -> count > 0;
                case "BETWEEN" -> count == 2;
                default -> count == 1;
            };
            if (!rightCount) {
                throw invalidArguments(operator);
            }
            if (hasList) {
                checkSameType(values);
                checkBetween(operator, values);
            }
            return condition(attribute, operator, values);
        }
        if (hasList) {
            throw DynamoDbException.validation(invalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + attribute);
        }
        JsonNode existsJson = expectation.get("Exists");
        boolean exists = existsJson == null || existsJson.isNull() || existsJson.asBoolean();
        if (exists && !hasValue) {
            throw DynamoDbException.validation(invalid + "Value must be provided when Exists is "
                    + (existsJson == null || existsJson.isNull() ? "null" : existsJson.asText()) + " for Attribute: " + attribute);
        }
        if (!exists && hasValue) {
            throw DynamoDbException.validation(invalid + "Value cannot be used when Exists is false for Attribute: " + attribute);
        }
        return exists ? condition(attribute, "EQ", List.of(value(expectation.get("Value")))) : condition(attribute, "NULL", List.of());
    }

    // ---- AttributeUpdates ----

    /** AttributeUpdates as the update expression it stands for: PUT is SET, DELETE is REMOVE or DELETE, ADD is ADD (or list_append for a list). */
    static Optional<Update> attributeUpdates(JsonNode request) {
        JsonNode updates = request.get("AttributeUpdates");
        if (updates == null || updates.isNull()) {
            return Optional.empty();
        }
        String invalid = "One or more parameter values were invalid: ";
        for (var entry : iterable(updates.fields())) {
            enumValue(entry.getValue(), "Action", "attributeUpdates." + entry.getKey() + ".member.action", List.of("ADD", "PUT", "DELETE"));
        }
        List<Update.Action> actions = new ArrayList<>();
        for (var entry : iterable(updates.fields())) {
            JsonNode update = entry.getValue();
            String action = update.path("Action").asText("PUT");
            Path path = Path.of(entry.getKey());
            Optional<Value> value = update.hasNonNull("Value") ? Optional.of(value(update.get("Value"))) : Optional.empty();
            if (value.isEmpty() && !action.equals("DELETE")) {
                throw DynamoDbException.validation(invalid + "Only DELETE action is allowed when no attribute value is specified");
            }
            String type = value.map(Value::type).orElse("");
            if (value.isPresent() && action.equals("DELETE") && !List.of("SS", "NS", "BS").contains(type)) {
                throw DynamoDbException.validation(invalid + "DELETE action with value is not supported for the type " + type);
            }
            if (value.isPresent() && action.equals("ADD") && !List.of("L", "SS", "NS", "BS", "N").contains(type)) {
                throw DynamoDbException.validation(invalid + "ADD action is not supported for the type " + type);
            }
            actions.add(switch (action) {
                case "PUT" -> new Update.Set(path, new Update.Single(new Update.Literal(value.get())));
                case "DELETE" -> value.<Update.Action>map(set -> new Update.Delete(path, set)).orElseGet(() -> new Update.Remove(path));
                // ADD of a list appends it to the list there, or to none (API reference, AttributeValueUpdate).
                default -> type.equals("L")
                        ? new Update.Set(path, new Update.Single(new Update.ListAppend(new Update.IfNotExists(path, new Update.Literal(new Value.L(List.of()))),
                                new Update.Literal(value.get()))))
                        : new Update.Add(path, value.get());
            });
        }
        return Optional.of(new Update(actions));
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }
}
