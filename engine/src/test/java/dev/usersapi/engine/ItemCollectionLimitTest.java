package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionSizeLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The item-collection size limit of tables with local secondary indexes, held to the API
 * reference (ItemCollectionSizeLimitExceededException: "only returned for tables that have one or
 * more local secondary indexes"; ItemCollectionMetrics: "the size of all the items in the table,
 * plus the size of all attributes projected into all of the local secondary indexes") and to
 * TransactWriteItems' cancellation reason ItemCollectionSizeLimitExceeded. The engine is given a
 * 3,150-byte limit in place of DynamoDB's 10 GB. dynalite has no such limit.
 */
class ItemCollectionLimitTest {
    private static final long LIMIT = 3_150;
    /**
     * Each event, as the developer guide's "Item sizes and formats" counts it: user (4 + 2), at
     * (2 + a two-digit number's 2), kind (4 + 1), body (4 + 500) = 519 bytes; its copy in the
     * KEYS_ONLY local index (user, at, kind) adds 15: 534 bytes, so five fit in 3,150 and six do
     * not; six would, were the index copies not counted (6 x 519 = 3,114).
     */
    private static final String BODY = "x".repeat(500);

    private DynamoDbClient dynamo;

    @BeforeEach
    void tables() {
        dynamo = DynamoDbClient.builder().httpClient(new InProcessHttpClient(new DynamoDbEngine(Clock.systemUTC(), LIMIT)))
                .endpointOverride(URI.create("http://engine.local")).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"))).build();
        dynamo.createTable(t -> t.tableName("events").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(d -> d.attributeName("user").attributeType("S"), d -> d.attributeName("at").attributeType("N"),
                        d -> d.attributeName("kind").attributeType("S"))
                .keySchema(k -> k.attributeName("user").keyType("HASH"), k -> k.attributeName("at").keyType("RANGE"))
                .localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("kind-index")
                        .keySchema(k -> k.attributeName("user").keyType("HASH"), k -> k.attributeName("kind").keyType("RANGE"))
                        .projection(p -> p.projectionType("KEYS_ONLY")).build()));
        dynamo.createTable(t -> t.tableName("plain").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(d -> d.attributeName("user").attributeType("S"), d -> d.attributeName("at").attributeType("N"))
                .keySchema(k -> k.attributeName("user").keyType("HASH"), k -> k.attributeName("at").keyType("RANGE")));
    }

    private static Map<String, AttributeValue> event(String user, int at) {
        return Map.of("user", AttributeValue.fromS(user), "at", AttributeValue.fromN(Integer.toString(at)), "kind", AttributeValue.fromS("k"),
                "body", AttributeValue.fromS(BODY));
    }

    private void put(String table, String user, int at) {
        dynamo.putItem(p -> p.tableName(table).item(event(user, at)));
    }

    private int count(String table, String user) {
        return dynamo.query(q -> q.tableName(table).keyConditionExpression("#u = :u").expressionAttributeNames(Map.of("#u", "user"))
                .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(user)))).count();
    }

    private void fillFive(String user) {
        for (int at = 10; at < 15; at++) {
            put("events", user, at);
        }
    }

    @Test
    void aWriteThatGrowsAnItemCollectionPastTheLimitIsRefusedAndChangesNothing() {
        fillFive("u1");
        ItemCollectionSizeLimitExceededException refused = assertThrows(ItemCollectionSizeLimitExceededException.class, () -> put("events", "u1", 15));
        assertEquals(400, refused.statusCode());
        assertEquals(5, count("events", "u1"));
    }

    @Test
    void theLimitIsPerPartitionKey() {
        fillFive("u1");
        put("events", "u2", 10);
        assertEquals(1, count("events", "u2"));
    }

    @Test
    void aDeleteMakesRoomAgain() {
        fillFive("u1");
        dynamo.deleteItem(d -> d.tableName("events").key(Map.of("user", AttributeValue.fromS("u1"), "at", AttributeValue.fromN("10"))));
        put("events", "u1", 15);
        assertEquals(5, count("events", "u1"));
    }

    @Test
    void anUpdateThatGrowsAFullCollectionIsRefusedButOneThatShrinksItIsNot() {
        fillFive("u1");
        Map<String, AttributeValue> key = Map.of("user", AttributeValue.fromS("u1"), "at", AttributeValue.fromN("10"));
        assertThrows(ItemCollectionSizeLimitExceededException.class, () -> dynamo.updateItem(u -> u.tableName("events").key(key)
                .updateExpression("SET more = :more").expressionAttributeValues(Map.of(":more", AttributeValue.fromS(BODY)))));
        dynamo.updateItem(u -> u.tableName("events").key(key).updateExpression("REMOVE body"));
        assertFalse(dynamo.getItem(g -> g.tableName("events").key(key).consistentRead(true)).item().containsKey("body"));
    }

    @Test
    void aTableWithoutLocalSecondaryIndexesHasNoItemCollectionLimit() {
        for (int at = 10; at < 20; at++) {
            put("plain", "u1", at);
        }
        assertEquals(10, count("plain", "u1"));
    }

    @Test
    void aTransactionThatWouldGrowACollectionPastTheLimitIsCancelledWithThatReasonAndWritesNothing() {
        fillFive("u1");
        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class, () -> dynamo.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName("events").item(event("u2", 10))).build(),
                TransactWriteItem.builder().put(p -> p.tableName("events").item(event("u1", 15))).build())));
        assertEquals(List.of("None", "ItemCollectionSizeLimitExceeded"), cancelled.cancellationReasons().stream().map(CancellationReason::code).toList());
        assertEquals(0, count("events", "u2"));
        assertEquals(5, count("events", "u1"));
    }

    @Test
    void itemCollectionMetricsCountTheItemsAndTheirLocalIndexCopies() {
        fillFive("u1");
        var metrics = dynamo.deleteItem(d -> d.tableName("events").returnItemCollectionMetrics("SIZE")
                .key(Map.of("user", AttributeValue.fromS("u1"), "at", AttributeValue.fromN("10")))).itemCollectionMetrics();
        assertEquals(AttributeValue.fromS("u1"), metrics.itemCollectionKey().get("user"));
        assertEquals(List.of(0.0, 1.0), metrics.sizeEstimateRangeGB());
        // Four left, 2,136 bytes: a fifth fits again, a sixth still does not.
        put("events", "u1", 15);
        assertTrue(assertThrows(ItemCollectionSizeLimitExceededException.class, () -> put("events", "u1", 16)).getMessage().contains("Item collection size limit exceeded"));
    }
}
