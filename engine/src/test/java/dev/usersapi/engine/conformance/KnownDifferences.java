package dev.usersapi.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Where dynalite answers otherwise than DynamoDB and the engine follows DynamoDB; each is
 * listed, with what decides it, in engine/README.md. A difference is explained only when both
 * sides match its exact shape: anything else still fails the comparison.
 */
enum KnownDifferences {
    /**
     * dynalite words syntax errors in its own parser's terms ("Expected ... but ... found.");
     * DynamoDB names the offending token and what is near it ("Syntax error; token: ..., near: ...").
     * Both refuse with a ValidationException naming the same expression parameter.
     */
    SYNTAX_ERRORS(Pattern.compile("Invalid (\\w+): Syntax error; Expected .* found\\."),
            Pattern.compile("Invalid (\\w+): Syntax error; token: \".*\", near: \".*\"")) {
        @Override
        boolean explains(JsonNode dynalite, JsonNode engine) {
            var their = theirs.matcher(dynalite.path("message").asText());
            var our = ours.matcher(engine.path("message").asText());
            return sameType(dynalite, engine) && their.matches() && our.matches() && their.group(1).equals(our.group(1));
        }
    },
    /**
     * A list or map inside a message: dynalite prints JavaScript's "[object Object]" for each
     * element, DynamoDB the value itself. The messages must agree everywhere else.
     */
    NESTED_VALUES_IN_MESSAGES(Pattern.compile("AttributeValue: \\{[LM]:[^}]*?\\[object Object\\][^,]*?(\\]|\\})?(?=, |$)"),
            Pattern.compile("AttributeValue: \\{[LM]:.*?\\}(?=, upper|, lower|$)")) {
        @Override
        boolean explains(JsonNode dynalite, JsonNode engine) {
            String their = dynalite.path("message").asText();
            String our = engine.path("message").asText();
            return sameType(dynalite, engine) && their.contains("[object Object]")
                    && theirs.matcher(their).replaceAll("AttributeValue: <nested>").equals(ours.matcher(our).replaceAll("AttributeValue: <nested>"));
        }
    },
    /**
     * A failed condition with ReturnValuesOnConditionCheckFailure: ALL_OLD: DynamoDB returns the
     * item it tested in the ConditionalCheckFailedException ([API reference, PutItem](
     * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html), and its
     * errors); dynalite predates the parameter and returns none. The service's handlers rely on it.
     */
    ITEM_ON_CONDITION_FAILURE(Pattern.compile(""), Pattern.compile("")) {
        @Override
        boolean explains(JsonNode dynalite, JsonNode engine) {
            if (!engine.has("Item") || dynalite.has("Item") || !engine.path("__type").asText().endsWith("#ConditionalCheckFailedException")) {
                return false;
            }
            com.fasterxml.jackson.databind.node.ObjectNode withoutItem = engine.deepCopy();
            withoutItem.remove("Item");
            return Conformance.normalize(dynalite).equals(Conformance.normalize(withoutItem));
        }
    },
    /**
     * Local secondary indexes: dynalite neither counts their writes in ConsumedCapacity nor returns
     * ItemCollectionMetrics. DynamoDB does both (developer guide, "Provisioned throughput
     * considerations for Local Secondary Indexes": an index key that changes costs a delete and a
     * put in the index; API reference, PutItem: ItemCollectionMetrics "only returned if the table
     * has one or more local secondary indexes"). Without those two, the answers must agree.
     */
    /**
     * TagResource and UntagResource succeed with no body ([API reference, TagResource](
     * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html): "If the
     * action is successful, the service sends back an HTTP 200 response with an empty HTTP body");
     * dynalite sends the JSON string {@code ""}.
     */
    EMPTY_BODY(Pattern.compile(""), Pattern.compile("")) {
        @Override
        boolean explains(JsonNode dynalite, JsonNode engine) {
            return dynalite.isTextual() && dynalite.asText().isEmpty() && engine.isMissingNode();
        }
    },
    LOCAL_INDEX_ACCOUNTING(Pattern.compile(""), Pattern.compile("")) {
        @Override
        boolean explains(JsonNode dynalite, JsonNode engine) {
            boolean touchesLocal = engine.path("ConsumedCapacity").has("LocalSecondaryIndexes") || engine.has("ItemCollectionMetrics");
            if (!touchesLocal || dynalite.has("ItemCollectionMetrics") || dynalite.path("ConsumedCapacity").has("LocalSecondaryIndexes")) {
                return false;
            }
            com.fasterxml.jackson.databind.node.ObjectNode withoutLocal = engine.deepCopy();
            withoutLocal.remove("ItemCollectionMetrics");
            JsonNode capacity = withoutLocal.path("ConsumedCapacity");
            if (capacity instanceof com.fasterxml.jackson.databind.node.ObjectNode consumed && consumed.has("LocalSecondaryIndexes")) {
                double local = 0;
                for (JsonNode index : consumed.get("LocalSecondaryIndexes")) {
                    local += index.path("CapacityUnits").asDouble();
                }
                consumed.put("CapacityUnits", consumed.path("CapacityUnits").asDouble() - local);
                consumed.remove("LocalSecondaryIndexes");
            }
            return Conformance.normalize(dynalite).equals(Conformance.normalize(withoutLocal));
        }
    };

    final Pattern theirs;
    final Pattern ours;

    KnownDifferences(Pattern theirs, Pattern ours) {
        this.theirs = theirs;
        this.ours = ours;
    }

    abstract boolean explains(JsonNode dynalite, JsonNode engine);

    static boolean explainedByAny(JsonNode dynalite, JsonNode engine) {
        for (KnownDifferences difference : values()) {
            if (difference.explains(dynalite, engine)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameType(JsonNode dynalite, JsonNode engine) {
        return dynalite.path("__type").equals(engine.path("__type"));
    }
}
