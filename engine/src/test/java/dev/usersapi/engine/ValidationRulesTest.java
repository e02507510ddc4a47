package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Validation DynamoDB documents where dynalite 4.0.0 checks nothing, so cases.txt cannot hold it. */
class ValidationRulesTest {
    private static DynamoDbEngine engine;

    @BeforeAll
    static void start() {
        engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
    }

    private static String message(Tables.Reply reply) {
        assertEquals(400, reply.status(), reply.body().toString());
        return reply.body().path("message").asText();
    }

    @Test
    void attributeNamesOf64KilobytesAreRead() {
        // Developer guide, "Service, account, and table quotas": an attribute name is 1 to 64 KB long.
        String name = "n".repeat(65_535);
        Tables.Reply put = Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"long\"},\"" + name + "\":{\"S\":\"v\"}}}");
        assertEquals(200, put.status(), put.body().toString());
        Tables.Reply got = Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"long\"}}}");
        assertTrue(got.body().path("Item").has(name));
    }

    @Test
    void deleteItemTakesOnlyNoneOrAllOld() {
        // API reference, DeleteItem: ReturnValues "DeleteItem does not recognize any values other than NONE or ALL_OLD".
        assertEquals("ReturnValues can only be ALL_OLD or NONE", message(Tables.call(engine, "DeleteItem",
                "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"x\"}},\"ReturnValues\":\"ALL_NEW\"}")));
    }

    @Test
    void selectAgreesWithWhatTheRequestProjects() {
        // API reference, Query and Scan, Select: "If you use the ProjectionExpression parameter, then the value for Select can
        // only be SPECIFIC_ATTRIBUTES"; ALL_PROJECTED_ATTRIBUTES "Allowed only when querying an index"; SPECIFIC_ATTRIBUTES
        // returns "only the attributes listed in ProjectionExpression".
        assertTrue(message(Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"Select\":\"COUNT\",\"ProjectionExpression\":\"id\"}"))
                .startsWith("Cannot specify the ProjectionExpression"));
        assertTrue(message(Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"Select\":\"SPECIFIC_ATTRIBUTES\"}"))
                .startsWith("Must specify the AttributesToGet or ProjectionExpression"));
        assertTrue(message(Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"Select\":\"ALL_PROJECTED_ATTRIBUTES\"}"))
                .contains("only when Querying using an IndexName"));
        assertEquals(200, Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"IndexName\":\"email-index\",\"Select\":\"ALL_PROJECTED_ATTRIBUTES\"}").status());
        assertEquals(200, Tables.call(engine, "Scan", "{\"TableName\":\"users\",\"Select\":\"SPECIFIC_ATTRIBUTES\",\"AttributesToGet\":[\"id\"]}").status());
    }
}
