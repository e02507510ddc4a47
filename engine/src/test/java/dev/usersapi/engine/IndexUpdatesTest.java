package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UpdateTable's GlobalSecondaryIndexUpdates, held to the API reference (UpdateTable,
 * GlobalSecondaryIndexUpdate): dynalite 4.0.0 accepts them and changes nothing, so it is no oracle here.
 */
class IndexUpdatesTest {
    private static final String TABLE = "{\"TableName\":\"teams\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
            + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
    private static final String CREATE_INDEX = "{\"TableName\":\"teams\",\"AttributeDefinitions\":[{\"AttributeName\":\"team\",\"AttributeType\":\"S\"}],"
            + "\"GlobalSecondaryIndexUpdates\":[{\"Create\":{\"IndexName\":\"team-index\",\"KeySchema\":[{\"AttributeName\":\"team\",\"KeyType\":\"HASH\"}],"
            + "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}}]}";
    private static final String QUERY = "{\"TableName\":\"teams\",\"IndexName\":\"team-index\",\"KeyConditionExpression\":\"team = :t\","
            + "\"ExpressionAttributeValues\":{\":t\":{\"S\":\"red\"}}}";

    @TempDir
    Path data;

    private static void items(DynamoDbEngine engine) {
        Tables.call(engine, "CreateTable", TABLE);
        Tables.call(engine, "PutItem", "{\"TableName\":\"teams\",\"Item\":{\"id\":{\"S\":\"1\"},\"team\":{\"S\":\"red\"},\"x\":{\"N\":\"1\"}}}");
        Tables.call(engine, "PutItem", "{\"TableName\":\"teams\",\"Item\":{\"id\":{\"S\":\"2\"},\"team\":{\"S\":\"blue\"}}}");
        Tables.call(engine, "PutItem", "{\"TableName\":\"teams\",\"Item\":{\"id\":{\"S\":\"3\"}}}");
    }

    /** "DynamoDB starts backfilling": the items already there are in the new index, with its projection. */
    @Test
    void anIndexCreatedOnATableWithItemsHoldsThemAndNewOnes() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        items(engine);
        var answer = Tables.call(engine, "UpdateTable", CREATE_INDEX);
        assertEquals(200, answer.status());
        assertEquals("UPDATING", answer.body().path("TableDescription").path("TableStatus").asText());
        assertEquals("CREATING", answer.body().path("TableDescription").path("GlobalSecondaryIndexes").get(0).path("IndexStatus").asText());
        Tables.call(engine, "PutItem", "{\"TableName\":\"teams\",\"Item\":{\"id\":{\"S\":\"4\"},\"team\":{\"S\":\"red\"}}}");
        var found = Tables.call(engine, "Query", QUERY).body();
        assertEquals(2, found.path("Count").asInt());
        assertEquals("{\"id\":{\"S\":\"1\"},\"team\":{\"S\":\"red\"}}", found.path("Items").get(0).toString(), "KEYS_ONLY: the keys alone");
    }

    @Test
    void aDeletedIndexCanNoLongerBeQueriedAndItsAttributeDefinitionGoes() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        items(engine);
        Tables.call(engine, "UpdateTable", CREATE_INDEX);
        assertEquals(200, Tables.call(engine, "UpdateTable", "{\"TableName\":\"teams\",\"GlobalSecondaryIndexUpdates\":[{\"Delete\":{\"IndexName\":\"team-index\"}}]}").status());
        var refused = Tables.call(engine, "Query", QUERY);
        assertEquals(400, refused.status());
        assertEquals("The table does not have the specified index: team-index", refused.body().path("message").asText());
        assertEquals(1, Tables.call(engine, "DescribeTable", "{\"TableName\":\"teams\"}").body().path("Table").path("AttributeDefinitions").size());
    }

    /** "You can create or delete only one global secondary index per UpdateTable operation" (API reference, UpdateTable). */
    @Test
    void twoIndexChangesInOneUpdateAreRefusedAndChangeNothing() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        items(engine);
        String second = CREATE_INDEX.substring(0, CREATE_INDEX.length() - 2) + ",{\"Create\":{\"IndexName\":\"other-index\",\"KeySchema\":[{\"AttributeName\":\"team\","
                + "\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}}]}";
        var refused = Tables.call(engine, "UpdateTable", second);
        assertEquals(400, refused.status());
        assertEquals("com.amazonaws.dynamodb.v20120810#LimitExceededException", refused.body().path("__type").asText());
        assertEquals(false, Tables.call(engine, "DescribeTable", "{\"TableName\":\"teams\"}").body().path("Table").has("GlobalSecondaryIndexes"));
    }

    @Test
    void anAddedIndexIsThereAfterAReopen() {
        try (DynamoDbEngine engine = DynamoDbEngine.open(data, Clock.systemUTC())) {
            items(engine);
            Tables.call(engine, "UpdateTable", CREATE_INDEX);
        }
        try (DynamoDbEngine reopened = DynamoDbEngine.open(data, Clock.systemUTC())) {
            assertEquals(1, Tables.call(reopened, "Query", QUERY).body().path("Count").asInt());
        }
    }
}
