package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The legacy parameters where dynalite 4.0.0 departs from DynamoDB's documented rules, so the
 * conformance suite cannot hold them (it holds the rest, request by request, in cases.txt).
 */
class LegacyRulesTest {
    private static DynamoDbEngine engine;

    @BeforeAll
    static void start() {
        engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
        Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"2\"},\"s\":{\"S\":\"x\"}}}");
        Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"b\"},\"n\":{\"N\":\"5\"}}}");
    }

    @Test
    void existsTrueWithAValueHoldsOnlyWhenTheAttributeHasThatValue() {
        // API reference, ExpectedAttributeValue: with Exists true, "DynamoDB will check to see if that attribute value
        // already exists in the table" (dynalite checks only that the attribute exists).
        Tables.Reply refused = Tables.call(engine, "DeleteItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"a\"}},"
                + "\"Expected\":{\"n\":{\"Exists\":true,\"Value\":{\"N\":\"3\"}}}}");
        assertEquals(400, refused.status());
        assertEquals("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", refused.body().path("__type").asText());
    }

    @Test
    void conditionalOperatorOrHoldsWhenAnyConditionHolds() {
        // API reference, Scan: ConditionalOperator "OR - If at least one of the conditions evaluate to true, then the entire
        // map evaluates to true" (dynalite stops at the first false condition).
        Tables.Reply scanned = Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"ScanFilter\":{"
                + "\"n\":{\"ComparisonOperator\":\"GT\",\"AttributeValueList\":[{\"N\":\"4\"}]},"
                + "\"s\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"x\"}]}},\"ConditionalOperator\":\"OR\"}");
        assertEquals(2, scanned.body().path("Count").asInt(), scanned.body().toString());
    }

    @Test
    void aSumPastTheNumberRangeIsAValidationErrorNotAServerError() {
        // API reference, AttributeValue N: magnitude at most 9.9999999999999999999999999999999999999E+125.
        Tables.Reply overflow = Tables.call(engine, "UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"big\"}},"
                + "\"UpdateExpression\":\"SET n = :big ADD m :big\",\"ExpressionAttributeValues\":{\":big\":{\"N\":\"9.9999999999999999999999999999999999999E+125\"}}}");
        assertEquals(200, overflow.status(), overflow.body().toString());
        for (String update : new String[] {"SET n = n + :big", "ADD m :big"}) {
            Tables.Reply refused = Tables.call(engine, "UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"big\"}},"
                    + "\"UpdateExpression\":\"" + update + "\",\"ExpressionAttributeValues\":{\":big\":{\"N\":\"9.9999999999999999999999999999999999999E+125\"}}}");
            assertEquals(400, refused.status(), update + ": " + refused.body());
            assertEquals("Number overflow. Attempting to store a number with magnitude larger than supported range", refused.body().path("message").asText());
        }
    }
}
