package dev.usersapi.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one raw request to the engine and to dynalite and holds the two answers equal: status,
 * error type and message, and the body with what differs by nature removed (times, ARNs,
 * sizes that DynamoDB itself updates only every six hours).
 */
final class Conformance {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger REQUESTS = new AtomicInteger();
    /** Requests where the engine follows DynamoDB where dynalite does not (see {@link KnownDifferences}). */
    static final AtomicInteger EXPLAINED = new AtomicInteger();
    private static final Set<String> VOLATILE = Set.of("CreationDateTime", "LastIncreaseDateTime", "LastDecreaseDateTime",
            "TableArn", "IndexArn", "LatestStreamArn", "LatestStreamLabel", "TableSizeBytes", "IndexSizeBytes", "ItemCount", "TableId",
            "NumberOfDecreasesToday", "LastUpdateToPayPerRequestDateTime");
    /** Answers whose order DynamoDB leaves unspecified: compared as sets. */
    private static final Set<String> UNORDERED = Set.of("Items", "TableNames");

    private final DynamoDbEngine engine;
    private final Dynalite dynalite;

    Conformance(DynamoDbEngine engine, Dynalite dynalite) {
        this.engine = engine;
        this.dynalite = dynalite;
    }

    /** One request to both; fails with both answers when they differ. Returns the engine's answer. */
    JsonNode same(String operation, String body) throws Exception {
        REQUESTS.incrementAndGet();
        DynamoDbEngine.Answer ours = engine.handle(DynamoDbEngine.TARGET_PREFIX + operation, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Dynalite.Reply theirs = dynalite.send(operation, body);
        if (operation.equals("CreateTable") && theirs.status() == 200) {
            dynalite.awaitActive(theirs.body().path("TableDescription").path("TableName").asText());
        }
        JsonNode ourBody = JSON.readTree(ours.body());
        String context = operation + " " + body;
        assertEquals(theirs.status(), ours.status(), () -> "status of " + context + "\n  dynalite: " + theirs.body() + "\n  engine:   " + ourBody);
        if (KnownDifferences.explainedByAny(theirs.body(), ourBody)) {
            EXPLAINED.incrementAndGet();
            return ourBody;
        }
        assertEquals(normalize(theirs.body()), normalize(ourBody), () -> "answer to " + context);
        return ourBody;
    }

    static JsonNode normalize(JsonNode node) {
        return normalize(node, false);
    }

    /** {@code itemsByTable}: a BatchGetItem's Responses, whose lists of items have no order either. */
    private static JsonNode normalize(JsonNode node, boolean itemsByTable) {
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(String::compareTo);
            for (String name : names) {
                if (VOLATILE.contains(name)) {
                    continue;
                }
                JsonNode value = normalize(node.get(name), name.equals("Responses"));
                if ((UNORDERED.contains(name) || itemsByTable) && value.isArray()) {
                    List<String> elements = new ArrayList<>();
                    value.forEach(element -> elements.add(element.toString()));
                    elements.sort(String::compareTo);
                    ArrayNode sorted = JSON.createArrayNode();
                    elements.forEach(element -> {
                        try {
                            sorted.add(JSON.readTree(element));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    value = sorted;
                }
                copy.set(name, value);
            }
            return copy;
        }
        if (node.isNumber()) {
            // 1 and 1.0 are one JSON number; the SDKs read both the same.
            java.math.BigDecimal number = node.decimalValue();
            return JSON.getNodeFactory().numberNode(number.signum() == 0 ? java.math.BigDecimal.ZERO : number.stripTrailingZeros());
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(normalize(element, false)));
            return copy;
        }
        return node;
    }
}
