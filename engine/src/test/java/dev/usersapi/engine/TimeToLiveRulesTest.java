package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Time to live, held to the developer guide's "Time to Live (TTL)" rules, on a clock the test moves. */
class TimeToLiveRulesTest {
    private final MutableClock clock = new MutableClock();
    private DynamoDbEngine engine;

    @BeforeEach
    void tableWithTtl() {
        engine = new DynamoDbEngine(clock);
        Tables.call(engine, "CreateTable", "{\"TableName\":\"users\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\","
                + "\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}");
        Tables.call(engine, "UpdateTimeToLive", "{\"TableName\":\"users\",\"TimeToLiveSpecification\":{\"Enabled\":true,\"AttributeName\":\"deleteAt\"}}");
    }

    private void put(String id, String deleteAt) {
        Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"" + id + "\"}" + deleteAt + "}}");
    }

    private boolean exists(String id) {
        return Tables.call(engine, "GetItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"" + id + "\"}}}").body().has("Item");
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    @Test
    void anItemWhoseTimeHasPassedIsDeletedAndOneStillToComeIsNot() {
        put("past", ",\"deleteAt\":{\"N\":\"" + (now() - 1) + "\"}");
        put("future", ",\"deleteAt\":{\"N\":\"" + (now() + 3600) + "\"}");
        assertEquals(1, engine.expireNow());
        assertTrue(!exists("past") && exists("future"));
        clock.advance(Duration.ofHours(2));
        assertEquals(1, engine.expireNow());
        assertTrue(!exists("future"));
    }

    @Test
    void itemsWithoutTheAttributeOrWithAnotherTypeAreSkippedAndStopNothing() {
        put("none", "");
        put("text", ",\"deleteAt\":{\"S\":\"" + (now() - 1) + "\"}");
        put("past", ",\"deleteAt\":{\"N\":\"" + (now() - 1) + "\"}");
        assertEquals(1, engine.expireNow());
        assertTrue(exists("none") && exists("text") && !exists("past"));
    }

    @Test
    void anExpiryMoreThanFiveYearsPastIsLeftAlone() {
        put("ancient", ",\"deleteAt\":{\"N\":\"" + (now() - Duration.ofDays(6 * 365).getSeconds()) + "\"}");
        assertEquals(0, engine.expireNow());
        assertTrue(exists("ancient"));
    }

    @Test
    void anExpiryIsARemoveRecordMadeByTheDynamoDbService() {
        put("past", ",\"deleteAt\":{\"N\":\"" + (now() - 1) + "\"}");
        Tables.call(engine, "DeleteItem", "{\"TableName\":\"users\",\"Key\":{\"id\":{\"S\":\"other\"}}}");
        engine.expireNow();
        String arn = Tables.call(engine, "DescribeTable", "{\"TableName\":\"users\"}").body().path("Table").path("LatestStreamArn").asText();
        String shard = Tables.call(engine, "DynamoDBStreams:DescribeStream", "{\"StreamArn\":\"" + arn + "\"}").body()
                .path("StreamDescription").path("Shards").get(0).path("ShardId").asText();
        String iterator = Tables.call(engine, "DynamoDBStreams:GetShardIterator", "{\"StreamArn\":\"" + arn + "\",\"ShardId\":\"" + shard
                + "\",\"ShardIteratorType\":\"TRIM_HORIZON\"}").body().path("ShardIterator").asText();
        JsonNode records = Tables.call(engine, "DynamoDBStreams:GetRecords", "{\"ShardIterator\":\"" + iterator + "\"}").body().path("Records");
        assertEquals(2, records.size());
        JsonNode removal = records.get(1);
        assertEquals("REMOVE", removal.path("eventName").asText());
        // The Streams API reference's Identity shape names its members PrincipalId and Type; the
        // lower-case spelling is Lambda's event, not the API's, and the SDKs read nothing from it.
        assertEquals("Service", removal.path("userIdentity").path("Type").asText());
        assertEquals("dynamodb.amazonaws.com", removal.path("userIdentity").path("PrincipalId").asText());
        assertTrue(records.get(0).path("userIdentity").isMissingNode(), "the user's own write names no service");
    }
}
