package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * UpdateItem of an item that does not exist. The API reference (UpdateItem): it "edits an
 * existing item's attributes, or adds a new item to the table if it does not already exist";
 * but an update that only takes attributes away has nothing to add, and DynamoDB creates no item
 * for it (for AttributeUpdates the API reference says so: "If no item with the specified Key is
 * found: ... DELETE - Nothing happens; there is no attribute to delete"; for REMOVE DynamoDB does
 * the same, as ScyllaDB's Alternator found against it, scylladb/scylladb#5862). dynalite creates
 * an item of the key alone, so these are held here, not in the conformance suite.
 */
class UpdateRulesTest {
    private final DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());

    UpdateRulesTest() {
        Tables.call(engine, "CreateTable", "{\"TableName\":\"users\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\","
                + "\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}");
    }

    private Tables.Reply update(String id, String rest) {
        return Tables.call(engine, "UpdateItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}}" + rest + "}");
    }

    private boolean exists(String id) {
        return Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}}}").body().has("Item");
    }

    private int records() {
        String arn = Tables.call(engine, "DescribeTable", "{\"TableName\":\"users\"}").body().path("Table").path("LatestStreamArn").asText();
        String shard = Tables.call(engine, "DynamoDBStreams:DescribeStream", "{\"StreamArn\":\"" + arn + "\"}").body()
                .path("StreamDescription").path("Shards").get(0).path("ShardId").asText();
        String iterator = Tables.call(engine, "DynamoDBStreams:GetShardIterator", "{\"StreamArn\":\"" + arn + "\",\"ShardId\":\"" + shard
                + "\",\"ShardIteratorType\":\"TRIM_HORIZON\"}").body().path("ShardIterator").asText();
        return Tables.call(engine, "DynamoDBStreams:GetRecords", "{\"ShardIterator\":\"" + iterator + "\"}").body().path("Records").size();
    }

    @Test
    void anUpdateThatOnlyRemovesCreatesNoItemAndNoRecord() {
        var removed = update("a", ",\"UpdateExpression\":\"REMOVE nickname, address.city\",\"ReturnValues\":\"ALL_NEW\"");
        assertEquals(200, removed.status());
        assertFalse(removed.body().has("Attributes"), "no item, so nothing to return");
        assertEquals(200, update("b", ",\"UpdateExpression\":\"DELETE tags :t\",\"ExpressionAttributeValues\":{\":t\":{\"SS\":[\"x\"]}}").status());
        assertEquals(200, update("c", ",\"AttributeUpdates\":{\"nickname\":{\"Action\":\"DELETE\"}}").status());
        var transaction = Tables.call(engine, "TransactWriteItems", "{\"TransactItems\":[{\"Update\":{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"d\"}},"
                + "\"UpdateExpression\":\"REMOVE nickname\"}}]}");
        assertEquals(200, transaction.status());
        assertFalse(exists("a") || exists("b") || exists("c") || exists("d"), "no update made an item");
        assertEquals(0, records(), "a change that was not made has no stream record");
    }

    @Test
    void anUpdateThatSetsSomethingOrNothingAtAllCreatesTheItem() {
        update("a", ",\"UpdateExpression\":\"SET nickname = :n REMOVE address\",\"ExpressionAttributeValues\":{\":n\":{\"S\":\"Ada\"}}");
        update("b", "");
        assertTrue(exists("a"), "a SET adds what an item is made of");
        assertTrue(exists("b"), "an UpdateItem with no update makes an item of its key, as DynamoDB does");
        update("a", ",\"UpdateExpression\":\"REMOVE nickname\"");
        assertTrue(exists("a"), "REMOVE on an item that exists keeps it, with its key");
        assertEquals(3, records());
    }
}
