package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Condition rules where dynalite is no oracle, each held to the page of DynamoDB's
 * documentation that states it.
 */
class ConditionRulesTest {
    private DynamoDbEngine engine;

    private int send(String operation, String body) {
        return engine.handle(DynamoDbEngine.TARGET_PREFIX + operation, body.getBytes(StandardCharsets.UTF_8)).status();
    }

    @BeforeEach
    void tableWithAListAndAMap() {
        engine = new DynamoDbEngine(Clock.systemUTC());
        send("CreateTable", "{\"TableName\":\"rules\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
        send("PutItem", "{\"TableName\":\"rules\",\"Item\":{\"id\":{\"S\":\"x\"},\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]},"
                + "\"m\":{\"M\":{\"k\":{\"N\":\"1.0\"}}}}}");
    }

    private int putIf(String condition, String values) {
        return send("PutItem", "{\"TableName\":\"rules\",\"Item\":{\"id\":{\"S\":\"x\"},\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]},"
                + "\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}}},\"ConditionExpression\":\"" + condition + "\",\"ExpressionAttributeValues\":" + values + "}");
    }

    /** API reference, Condition: "EQ is supported for all data types, including lists and maps." */
    @Test
    void equalityComparesListsAndMapsByValue() {
        assertEquals(200, putIf("l = :l", "{\":l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1.00\"}]}}"));
        assertEquals(200, putIf("m = :m", "{\":m\":{\"M\":{\"k\":{\"N\":\"1\"}}}}"));
        assertEquals(400, putIf("l = :l", "{\":l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}}"), "a list's order is part of its value");
    }

    /** API reference, Condition: "NE is supported for all data types, including lists and maps." */
    @Test
    void inequalityComparesListsAndMapsByValue() {
        assertEquals(400, putIf("l <> :l", "{\":l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]}}"));
        assertEquals(200, putIf("m <> :m", "{\":m\":{\"M\":{\"k\":{\"N\":\"2\"}}}}"));
    }

    /**
     * API reference, Scan, Segment: "If you provide Segment, you must also provide TotalSegments."
     * dynalite accepts a Segment alone and scans everything, so this rule is held here.
     */
    @Test
    void aSegmentWithoutTotalSegmentsIsRefused() {
        var refused = engine.handle(DynamoDbEngine.TARGET_PREFIX + "Scan", "{\"TableName\":\"rules\",\"Segment\":0}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, refused.status());
        assertEquals(true, new String(refused.body(), StandardCharsets.UTF_8).contains("TotalSegments parameter is required"));
    }

    /** API reference, Scan, TotalSegments: "Valid Range: Minimum value of 1. Maximum value of 1000000." dynalite accepts more. */
    @Test
    void moreThanAMillionSegmentsAreRefused() {
        var refused = engine.handle(DynamoDbEngine.TARGET_PREFIX + "Scan",
                "{\"TableName\":\"rules\",\"Segment\":0,\"TotalSegments\":1000001}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, refused.status());
    }
}
