package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Valid requests of every operation, damaged at random (members removed, set to null, or given
 * the wrong JSON type; values mangled): the engine answers each with a 4xx DynamoDB error, never
 * a 500, and a refused request changes nothing.
 */
class MalformedRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static DynamoDbEngine engine;
    private static final List<String[]> VALID = List.of(
            new String[] {"PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"a\"},\"email\":{\"S\":\"a@x\"},\"n\":{\"N\":\"1\"},\"l\":{\"L\":[{\"S\":\"x\"}]}},"
                    + "\"ConditionExpression\":\"attribute_not_exists(id) OR n < :n\",\"ExpressionAttributeValues\":{\":n\":{\"N\":\"5\"}},\"ReturnValues\":\"ALL_OLD\"}"},
            new String[] {"GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}},\"ProjectionExpression\":\"#n, l[0]\",\"ExpressionAttributeNames\":{\"#n\":\"n\"},\"ConsistentRead\":true}"},
            new String[] {"UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}},\"UpdateExpression\":\"SET n = n + :one REMOVE l[0]\","
                    + "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}},\"ReturnValues\":\"UPDATED_NEW\",\"ReturnConsumedCapacity\":\"INDEXES\"}"},
            new String[] {"DeleteItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"zzz\"}},\"ConditionExpression\":\"attribute_exists(id)\"}"},
            new String[] {"Query", "{\"TableName\":\"users\",\"IndexName\":\"email-index\",\"KeyConditionExpression\":\"email = :e\",\"FilterExpression\":\"n > :z\","
                    + "\"ExpressionAttributeValues\":{\":e\":{\"S\":\"a@x\"},\":z\":{\"N\":\"0\"}},\"Limit\":10,\"ScanIndexForward\":false,\"Select\":\"ALL_ATTRIBUTES\"}"},
            new String[] {"Scan", "{\"TableName\":\"users\",\"Limit\":5,\"ExclusiveStartKey\":{\"id\":{\"S\":\"a\"}},\"Segment\":0,\"TotalSegments\":2}"},
            new String[] {"BatchGetItem", "{\"RequestItems\":{\"users\":{\"Keys\":[{\"id\":{\"S\":\"a\"}},{\"id\":{\"S\":\"b\"}}]}}}"},
            new String[] {"BatchWriteItem", "{\"RequestItems\":{\"users\":[{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"b\"}}}},{\"DeleteRequest\":{\"Key\":{\"id\":{\"S\":\"c\"}}}}]}}"},
            new String[] {"CreateTable", Tables.USERS.replace("\"users\"", "\"other\"")},
            new String[] {"DescribeTable", "{\"TableName\":\"users\"}"},
            new String[] {"UpdateTable", "{\"TableName\":\"users\",\"BillingMode\":\"PAY_PER_REQUEST\",\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_IMAGE\"}}"},
            new String[] {"UpdateTimeToLive", "{\"TableName\":\"users\",\"TimeToLiveSpecification\":{\"Enabled\":true,\"AttributeName\":\"deleteAt\"}}"},
            new String[] {"TagResource", "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:000000000000:table/users\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}"},
            new String[] {"ListTables", "{\"Limit\":2,\"ExclusiveStartTableName\":\"a\"}"});

    @BeforeContainer
    static void start() {
        engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
        Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"a\"},\"email\":{\"S\":\"a@x\"},\"n\":{\"N\":\"1\"},\"l\":{\"L\":[{\"S\":\"x\"}]}}}");
    }

    record Damaged(String operation, String body) {}

    @Provide
    Arbitrary<Damaged> requests() {
        return Arbitraries.integers().between(0, VALID.size() - 1).flatMap(which -> Arbitraries.longs().map(seed -> {
            String[] valid = VALID.get(which);
            try {
                JsonNode body = JSON.readTree(valid[1]);
                Random random = new Random(seed);
                int damage = 1 + random.nextInt(3);
                for (int i = 0; i < damage; i++) {
                    body = damage(body, random);
                }
                return new Damaged(valid[0], body.toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    /** One random change somewhere in the tree: a member dropped, nulled, or replaced by another type. */
    private static JsonNode damage(JsonNode node, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(node, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        JsonNode replacement = switch (random.nextInt(7)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextInt(1000) - 500);
            case 2 -> NODES.textNode(random.nextBoolean() ? "" : "#x :y ( ] " + random.nextInt());
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.arrayNode().add("x");
            case 5 -> NODES.objectNode();
            default -> NODES.objectNode().put("S", "x").put("N", "1");
        };
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(4) == 0) {
                object.remove(name);
            } else {
                object.set(name, replacement);
            }
        } else if (target instanceof ArrayNode array && array.size() > 0) {
            array.set(random.nextInt(array.size()), replacement);
        }
        return node;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    @Property(tries = 3000, seed = "20261125")
    void aDamagedRequestIsA4xxNeverA5xxAndChangesNothing(@ForAll("requests") Damaged request) throws Exception {
        String before = Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}}}").body().toString();
        DynamoDbEngine.Answer answer = engine.handle(DynamoDbEngine.TARGET_PREFIX + request.operation(),
                request.body().getBytes(StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(answer.body());
        assertTrue(answer.status() < 500, request + " -> " + answer.status() + " " + body);
        if (answer.status() >= 400) {
            assertTrue(body.path("__type").asText().contains("#"), "a DynamoDB error type: " + body);
            String after = Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}}}").body().toString();
            assertEquals(before, after, "a refused " + request.operation() + " changed the item");
        } else if (!request.operation().equals("GetItem") && !request.operation().equals("Query") && !request.operation().equals("Scan")) {
            // An accepted write may change the item: put the original back for the next request.
            Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"a\"},\"email\":{\"S\":\"a@x\"},\"n\":{\"N\":\"1\"},\"l\":{\"L\":[{\"S\":\"x\"}]}}}");
        }
    }
}
