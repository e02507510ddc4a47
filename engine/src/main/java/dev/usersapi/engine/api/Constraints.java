package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.table.DynamoDbException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The service model's member constraints (length, range, pattern, enum, required), checked as
 * DynamoDB's front end checks them: every broken constraint collected, in the order of the
 * members, into one "N validation errors detected: ..." ValidationException (at most ten listed).
 * A member that is absent breaks only its "must not be null".
 */
final class Constraints {
    static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private final List<String> errors = new ArrayList<>();

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    void broken(JsonNode value, String at, String rule) {
        if (errors.size() < 10) {
            errors.add("Value " + (absent(value) ? "null" : "'" + shown(value) + "'") + " at '" + at + "' failed to satisfy constraint: " + rule);
        }
    }

    /** As DynamoDB prints a value in these messages: a list as [a, b], a structure as JSON. */
    static String shown(JsonNode value) {
        if (value.isArray()) {
            List<String> elements = new ArrayList<>();
            value.forEach(element -> elements.add(shown(element)));
            return "[" + String.join(", ", elements) + "]";
        }
        return value.isValueNode() ? value.asText() : dev.usersapi.engine.json.JsonTrees.text(value);
    }

    Constraints notNull(JsonNode value, String at) {
        if (absent(value)) {
            broken(value, at, "Member must not be null");
        }
        return this;
    }

    Constraints length(JsonNode value, String at, int min, int max) {
        if (absent(value)) {
            return this;
        }
        int length = value.isTextual() ? value.asText().length() : value.size();
        if (length < min) {
            broken(value, at, "Member must have length greater than or equal to " + min);
        }
        if (length > max) {
            broken(value, at, "Member must have length less than or equal to " + max);
        }
        return this;
    }

    Constraints range(JsonNode value, String at, long min, long max) {
        if (absent(value) || !value.isNumber()) {
            return this;
        }
        if (value.decimalValue().compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
            broken(value, at, "Member must have value greater than or equal to " + min);
        }
        if (value.decimalValue().compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            broken(value, at, "Member must have value less than or equal to " + max);
        }
        return this;
    }

    /** A table or index name: the characters DynamoDB allows, 3 to 255 of them. */
    Constraints name(JsonNode value, String at) {
        if (!absent(value) && !NAME.matcher(value.asText()).matches()) {
            broken(value, at, "Member must satisfy regular expression pattern: " + NAME_PATTERN);
        }
        return length(value, at, 3, 255);
    }

    Constraints oneOf(JsonNode value, String at, List<String> allowed) {
        if (!absent(value) && !allowed.contains(value.asText())) {
            broken(value, at, "Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
        }
        return this;
    }

    void check() {
        if (!errors.isEmpty()) {
            throw DynamoDbException.validation(errors.size() + " validation error" + (errors.size() > 1 ? "s" : "") + " detected: "
                    + String.join("; ", errors));
        }
    }

    /**
     * The members every data-plane operation checks first, as its service model constrains them:
     * the table name, the item or key it needs ({@code required}), and the Return* value sets
     * ({@code returnValues} empty where the operation has no ReturnValues).
     */
    static Constraints dataPlane(JsonNode request, String required, List<String> returnValues) {
        Constraints constraints = new Constraints();
        constraints.oneOf(request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", List.of("INDEXES", "TOTAL", "NONE"));
        constraints.notNull(request.get("TableName"), "tableName").name(request.get("TableName"), "tableName");
        if (!required.isEmpty()) {
            constraints.notNull(request.get(required), Requests.lowerFirst(required));
        }
        constraints.oneOf(request.get("ConditionalOperator"), "conditionalOperator", List.of("OR", "AND"));
        if (!returnValues.isEmpty()) {
            constraints.oneOf(request.get("ReturnValues"), "returnValues", returnValues);
        }
        constraints.oneOf(request.get("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics", List.of("SIZE", "NONE"));
        constraints.oneOf(request.get("ReturnValuesOnConditionCheckFailure"), "returnValuesOnConditionCheckFailure", List.of("ALL_OLD", "NONE"));
        return constraints;
    }
}
