package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Transactions held to the API reference (TransactWriteItems, TransactGetItems) and the
 * developer guide ("Amazon DynamoDB Transactions"), through the SDK. dynalite has none.
 */
class TransactionRulesTest {
    private final MutableClock clock = new MutableClock();
    private DynamoDbClient dynamo;

    @BeforeEach
    void accounts() {
        dynamo = DynamoDbClient.builder().httpClient(new InProcessHttpClient(new DynamoDbEngine(clock))).endpointOverride(URI.create("http://engine.local"))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"))).build();
        dynamo.createTable(t -> t.tableName("accounts").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S")).keySchema(k -> k.attributeName("id").keyType("HASH")));
        account("a", 100);
        account("b", 0);
    }

    private void account(String id, int balance) {
        dynamo.putItem(p -> p.tableName("accounts").item(Map.of("id", AttributeValue.fromS(id), "balance", AttributeValue.fromN(Integer.toString(balance)))));
    }

    private int balance(String id) {
        return Integer.parseInt(dynamo.getItem(g -> g.tableName("accounts").key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true))
                .item().get("balance").n());
    }

    private static TransactWriteItem move(String id, int amount, boolean mustCover) {
        return TransactWriteItem.builder().update(u -> {
            u.tableName("accounts").key(Map.of("id", AttributeValue.fromS(id))).updateExpression("SET balance = balance + :amount")
                    .expressionAttributeValues(mustCover ? Map.of(":amount", AttributeValue.fromN(Integer.toString(amount)),
                            ":need", AttributeValue.fromN(Integer.toString(-amount))) : Map.of(":amount", AttributeValue.fromN(Integer.toString(amount))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            if (mustCover) {
                u.conditionExpression("balance >= :need");
            }
        }).build();
    }

    @Test
    void aTransactionAppliesAllItsActions() {
        dynamo.transactWriteItems(t -> t.transactItems(move("a", -30, true), move("b", 30, false)));
        assertEquals(70, balance("a"));
        assertEquals(30, balance("b"));
    }

    @Test
    void aTransactionWhoseOneConditionFailsChangesNothingAndNamesThatAction() {
        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> dynamo.transactWriteItems(t -> t.transactItems(move("b", 30, false), move("a", -500, true))));
        assertEquals(List.of("None", "ConditionalCheckFailed"), cancelled.cancellationReasons().stream().map(CancellationReason::code).toList());
        assertEquals("100", cancelled.cancellationReasons().get(1).item().get("balance").n(), "the item the condition saw, as asked");
        assertEquals(100, balance("a"));
        assertEquals(0, balance("b"));
    }

    @Test
    void aConditionCheckGuardsWritesToOtherItems() {
        assertThrows(TransactionCanceledException.class, () -> dynamo.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder().conditionCheck(c -> c.tableName("accounts").key(Map.of("id", AttributeValue.fromS("b")))
                        .conditionExpression("balance > :z").expressionAttributeValues(Map.of(":z", AttributeValue.fromN("0")))).build(),
                TransactWriteItem.builder().delete(d -> d.tableName("accounts").key(Map.of("id", AttributeValue.fromS("a")))).build())));
        assertEquals(100, balance("a"));
    }

    @Test
    void twoActionsOnOneItemAreRefused() {
        DynamoDbException refused = assertThrows(DynamoDbException.class,
                () -> dynamo.transactWriteItems(t -> t.transactItems(move("a", -1, false), move("a", 1, false))));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.awsErrorDetails().errorMessage().contains("multiple operations on one item"));
    }

    @Test
    void aRetryWithTheSameClientRequestTokenWithinTenMinutesAppliesOnce() {
        dynamo.transactWriteItems(t -> t.clientRequestToken("token-1").transactItems(move("a", -10, true), move("b", 10, false)));
        dynamo.transactWriteItems(t -> t.clientRequestToken("token-1").transactItems(move("a", -10, true), move("b", 10, false)));
        assertEquals(90, balance("a"));
        assertThrows(IdempotentParameterMismatchException.class,
                () -> dynamo.transactWriteItems(t -> t.clientRequestToken("token-1").transactItems(move("a", -20, true), move("b", 20, false))));
        clock.advance(Duration.ofMinutes(11));
        dynamo.transactWriteItems(t -> t.clientRequestToken("token-1").transactItems(move("a", -10, true), move("b", 10, false)));
        assertEquals(80, balance("a"), "after 10 minutes the token is new again");
    }

    @Test
    void aTransactionalWriteCostsTwoUnitsPerUnit() {
        var answer = dynamo.transactWriteItems(t -> t.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).transactItems(move("a", -1, false)));
        assertEquals(2.0, answer.consumedCapacity().get(0).capacityUnits());
    }

    @Test
    void transactGetItemsReadsEveryItemOrNone() {
        var read = dynamo.transactGetItems(t -> t.transactItems(
                i -> i.get(g -> g.tableName("accounts").key(Map.of("id", AttributeValue.fromS("a"))).projectionExpression("balance")),
                i -> i.get(g -> g.tableName("accounts").key(Map.of("id", AttributeValue.fromS("nobody"))))));
        assertEquals(Map.of("balance", AttributeValue.fromN("100")), read.responses().get(0).item());
        assertFalse(read.responses().get(1).hasItem() && !read.responses().get(1).item().isEmpty());
    }

    @Test
    void transfersRacingWithSingleItemWritesConserveTheTotal() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    try {
                        dynamo.transactWriteItems(x -> x.transactItems(move("a", -1, true), move("b", 1, false)));
                        dynamo.transactWriteItems(x -> x.transactItems(move("b", -1, true), move("a", 1, false)));
                    } catch (TransactionCanceledException insufficient) {
                        // A transfer that would overdraw is cancelled whole: nothing moves.
                    }
                }
            }));
            work.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    // Read together in one TransactGetItems, the two balances never show a transfer half done.
                    var both = dynamo.transactGetItems(x -> x.transactItems(
                            g -> g.get(r -> r.tableName("accounts").key(Map.of("id", AttributeValue.fromS("a")))),
                            g -> g.get(r -> r.tableName("accounts").key(Map.of("id", AttributeValue.fromS("b"))))));
                    int seen = both.responses().stream().mapToInt(r -> Integer.parseInt(r.item().get("balance").n())).sum();
                    assertEquals(100, seen);
                }
            }));
        }
        for (Future<?> future : work) {
            future.get();
        }
        pool.shutdown();
        assertEquals(100, balance("a") + balance("b"), "no transfer half-applied");
    }

    @Test
    void aTransactionWhoseUpdateWouldMakeAnItemTooLargeIsCancelledWithAValidationErrorAndChangesNothing() {
        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class, () -> dynamo.transactWriteItems(t -> t.transactItems(
                move("b", 30, false),
                TransactWriteItem.builder().update(u -> u.tableName("accounts").key(Map.of("id", AttributeValue.fromS("a")))
                        .updateExpression("SET note = :note").expressionAttributeValues(Map.of(":note", AttributeValue.fromS("x".repeat(410_000))))).build())));
        assertEquals(List.of("None", "ValidationError"), cancelled.cancellationReasons().stream().map(CancellationReason::code).toList());
        assertEquals("Item size has exceeded the maximum allowed size", cancelled.cancellationReasons().get(1).message());
        assertEquals(0, balance("b"), "the first action was not applied");
    }
}
