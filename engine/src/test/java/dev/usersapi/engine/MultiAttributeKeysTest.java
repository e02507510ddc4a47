package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-attribute keys of global secondary indexes, held to the developer guide: "Multi-attribute
 * key schema" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys)
 * and "Multi-attribute keys pattern"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.DesignPattern.MultiAttributeKeys.html):
 * up to four partition and four sort key attributes, listed HASH first then RANGE, in order; a
 * Query gives every partition attribute with =, and sort attributes left to right, = on all but
 * the last given, which may take a range condition; an item missing any key attribute is not in
 * the index. Neither dynalite nor DynamoDB Local has the feature, so the guide is the only oracle,
 * and DynamoDB's exact refusal messages are not published: the refusals are asserted by status,
 * type and the attribute they name.
 */
class MultiAttributeKeysTest {
    private static final String DEFINITIONS = """
            "AttributeDefinitions":[{"AttributeName":"matchId","AttributeType":"S"},{"AttributeName":"tournamentId","AttributeType":"S"},
            {"AttributeName":"division","AttributeType":"S"},{"AttributeName":"round","AttributeType":"N"},{"AttributeName":"bracket","AttributeType":"S"}]""";
    private static final String BRACKET_KEY = """
            [{"AttributeName":"tournamentId","KeyType":"HASH"},{"AttributeName":"division","KeyType":"HASH"},
             {"AttributeName":"round","KeyType":"RANGE"},{"AttributeName":"bracket","KeyType":"RANGE"}]""";
    private static final String MATCHES = "{\"TableName\":\"matches\"," + DEFINITIONS + ",\"KeySchema\":[{\"AttributeName\":\"matchId\",\"KeyType\":\"HASH\"}],"
            + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"bracket-index\",\"KeySchema\":" + BRACKET_KEY + ",\"Projection\":{\"ProjectionType\":\"ALL\"}}],"
            + "\"BillingMode\":\"PAY_PER_REQUEST\"}";

    @TempDir
    Path data;

    private static void put(DynamoDbEngine engine, String id, String tournament, String division, String round, String bracket) {
        StringBuilder item = new StringBuilder("{\"matchId\":{\"S\":\"" + id + "\"},\"tournamentId\":{\"S\":\"" + tournament + "\"},\"division\":{\"S\":\"" + division + "\"}");
        if (round != null) {
            item.append(",\"round\":").append(round);
        }
        if (bracket != null) {
            item.append(",\"bracket\":{\"S\":\"").append(bracket).append("\"}");
        }
        var answer = Tables.call(engine, "PutItem", "{\"TableName\":\"matches\",\"Item\":" + item + "}}");
        assertEquals(200, answer.status(), answer.body().toString());
    }

    /** Matches of tournament T1: five in NA, one in EU, and two NA items the index must leave out. */
    private static DynamoDbEngine matches(DynamoDbEngine engine) {
        assertEquals(200, Tables.call(engine, "CreateTable", MATCHES).status());
        put(engine, "m4", "T1", "NA", "{\"N\":\"10\"}", "upper");
        put(engine, "m3", "T1", "NA", "{\"N\":\"2\"}", "upper");
        put(engine, "m1", "T1", "NA", "{\"N\":\"1\"}", "upper");
        put(engine, "m2", "T1", "NA", "{\"N\":\"2\"}", "lower");
        put(engine, "m5", "T1", "EU", "{\"N\":\"1\"}", "upper");
        put(engine, "m6", "T1", "NA", "{\"N\":\"3\"}", null);
        return engine;
    }

    private static final java.util.Map<String, String> VALUES = java.util.Map.of(":t", "{\"S\":\"T1\"}", ":r", "{\"S\":\"NA\"}", ":one", "{\"N\":\"1\"}",
            ":two", "{\"N\":\"2\"}", ":b", "{\"S\":\"upper\"}", ":up", "{\"S\":\"up\"}");

    /** A Query on bracket-index, with the values its expressions name (DynamoDB refuses unused ones). */
    private static Tables.Reply query(DynamoDbEngine engine, String condition, String extra) {
        StringBuilder values = new StringBuilder();
        VALUES.forEach((name, value) -> {
            if (java.util.regex.Pattern.compile(name + "\\b").matcher(condition + extra).find()) {
                values.append(values.length() == 0 ? "" : ",").append('"').append(name).append("\":").append(value);
            }
        });
        return Tables.call(engine, "Query", "{\"TableName\":\"matches\",\"IndexName\":\"bracket-index\",\"KeyConditionExpression\":\"" + condition + "\","
                + "\"ExpressionAttributeValues\":{" + values + "}" + extra + "}");
    }

    private static List<String> ids(Tables.Reply reply) {
        assertEquals(200, reply.status(), reply.body().toString());
        List<String> ids = new ArrayList<>();
        reply.body().path("Items").forEach(item -> ids.add(item.path("matchId").path("S").asText()));
        return ids;
    }

    private static String refusal(Tables.Reply reply) {
        assertEquals(400, reply.status(), reply.body().toString());
        assertTrue(reply.body().path("__type").asText().endsWith("#ValidationException"), reply.body().toString());
        return reply.body().path("message").asText();
    }

    /**
     * The whole partition (both partition attributes), in sort order attribute by attribute, each
     * in its type's order: round numerically (10 after 2), then bracket; an item missing bracket is
     * not in the index, and one whose round is of another type than its definition is refused.
     */
    @Test
    void aQueryOnThePartitionAttributesReadsThePartitionInSortTupleOrder() {
        DynamoDbEngine engine = matches(new DynamoDbEngine(Clock.systemUTC()));
        assertEquals(List.of("m1", "m2", "m3", "m4"), ids(query(engine, "tournamentId = :t AND division = :r", "")));
        assertEquals(List.of("m4", "m3", "m2", "m1"), ids(query(engine, "division = :r AND tournamentId = :t", ",\"ScanIndexForward\":false")));
        assertEquals(4, query(engine, "tournamentId = :t AND division = :r", "").body().path("ScannedCount").asInt());
        String mistyped = refusal(Tables.call(engine, "PutItem", "{\"TableName\":\"matches\",\"Item\":{\"matchId\":{\"S\":\"m7\"},"
                + "\"tournamentId\":{\"S\":\"T1\"},\"division\":{\"S\":\"NA\"},\"round\":{\"S\":\"2\"},\"bracket\":{\"S\":\"upper\"}}}"));
        assertTrue(mistyped.contains("Type mismatch for Index Key round"), mistyped);
    }

    @Test
    void sortAttributesAreGivenLeftToRightWithARangeOnTheLastOne() {
        DynamoDbEngine engine = matches(new DynamoDbEngine(Clock.systemUTC()));
        assertEquals(List.of("m2", "m3"), ids(query(engine, "tournamentId = :t AND division = :r AND round = :two", "")));
        assertEquals(List.of("m3"), ids(query(engine, "tournamentId = :t AND division = :r AND round = :two AND bracket = :b", "")));
        assertEquals(List.of("m3"), ids(query(engine, "tournamentId = :t AND division = :r AND round = :two AND begins_with(bracket, :up)", "")));
        assertEquals(List.of("m2", "m3", "m4"), ids(query(engine, "tournamentId = :t AND division = :r AND round >= :two", "")));
        assertEquals(List.of("m1", "m2", "m3"), ids(query(engine, "tournamentId = :t AND division = :r AND round BETWEEN :one AND :two", "")));
    }

    @Test
    void aQueryThatSkipsASortAttributeOrRangesBeforeTheLastIsRefused() {
        DynamoDbEngine engine = matches(new DynamoDbEngine(Clock.systemUTC()));
        String skipped = refusal(query(engine, "tournamentId = :t AND division = :r AND bracket = :b", ""));
        assertTrue(skipped.contains("round"), skipped);
        String rangedFirst = refusal(query(engine, "tournamentId = :t AND division = :r AND round > :one AND bracket = :b", ""));
        assertTrue(rangedFirst.contains("round"), rangedFirst);
    }

    @Test
    void everyPartitionAttributeNeedsAnEquality() {
        DynamoDbEngine engine = matches(new DynamoDbEngine(Clock.systemUTC()));
        assertEquals("Query condition missed key schema element: division", refusal(query(engine, "tournamentId = :t", "")));
        String ranged = refusal(query(engine, "tournamentId = :t AND division > :r", ""));
        assertTrue(ranged.contains("division"), ranged);
        String wrongType = refusal(query(engine, "tournamentId = :t AND division = :one", ""));
        assertTrue(wrongType.contains("type does not match"), wrongType);
        String filtered = refusal(query(engine, "tournamentId = :t AND division = :r", ",\"FilterExpression\":\"bracket = :b\""));
        assertTrue(filtered.endsWith("Primary key attribute: bracket"), filtered);
    }

    /** A page stopped by Limit names every key attribute of the index and the table, and the next page goes on from there. */
    @Test
    void pagesResumeFromALastEvaluatedKeyHoldingEveryKeyAttribute() {
        DynamoDbEngine engine = matches(new DynamoDbEngine(Clock.systemUTC()));
        Tables.Reply first = query(engine, "tournamentId = :t AND division = :r", ",\"Limit\":2");
        assertEquals(List.of("m1", "m2"), ids(first));
        JsonNode last = first.body().path("LastEvaluatedKey");
        assertEquals(List.of("matchId", "tournamentId", "division", "round", "bracket"), fieldNames(last));
        assertEquals(List.of("m3", "m4"), ids(query(engine, "tournamentId = :t AND division = :r", ",\"ExclusiveStartKey\":" + last)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aKeySchemaBeyondFourAttributesOrWithHashAfterRangeIsRefused() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        StringBuilder definitions = new StringBuilder("\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}");
        StringBuilder fiveHash = new StringBuilder("[");
        for (int i = 1; i <= 5; i++) {
            definitions.append(",{\"AttributeName\":\"a").append(i).append("\",\"AttributeType\":\"S\"}");
            fiveHash.append(i > 1 ? "," : "").append("{\"AttributeName\":\"a").append(i).append("\",\"KeyType\":\"HASH\"}");
        }
        definitions.append("]");
        String tooMany = refusal(Tables.call(engine, "CreateTable", table(definitions, fiveHash + "]")));
        assertTrue(tooMany.contains("at most 4"), tooMany);
        String hashAfterRange = refusal(Tables.call(engine, "CreateTable", table(definitions,
                "[{\"AttributeName\":\"a1\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"a2\",\"KeyType\":\"RANGE\"},{\"AttributeName\":\"a3\",\"KeyType\":\"HASH\"}]")));
        assertTrue(hashAfterRange.contains("precede"), hashAfterRange);
        String nine = refusal(Tables.call(engine, "CreateTable", table(definitions, fiveHash + ",{\"AttributeName\":\"a1\",\"KeyType\":\"RANGE\"},"
                + "{\"AttributeName\":\"a2\",\"KeyType\":\"RANGE\"},{\"AttributeName\":\"a3\",\"KeyType\":\"RANGE\"},{\"AttributeName\":\"a4\",\"KeyType\":\"RANGE\"}]")));
        assertTrue(nine.contains("Member must have length less than or equal to 8"), nine);
        // A table's own key stays one partition and at most one sort attribute (the feature is the GSI's).
        String tableKey = refusal(Tables.call(engine, "CreateTable", "{\"TableName\":\"tbl\"," + definitions
                + ",\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"a1\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}"));
        assertTrue(tableKey.contains("not a RANGE key type"), tableKey);
        assertTrue(Tables.call(engine, "ListTables", "{}").body().path("TableNames").isEmpty(), "no table was created by a refused request");
    }

    private static String table(CharSequence definitions, String indexKey) {
        return "{\"TableName\":\"tbl\"," + definitions + ",\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
                + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":" + indexKey + ",\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
                + "\"BillingMode\":\"PAY_PER_REQUEST\"}";
    }

    /** UpdateTable adds a multi-attribute index over the items already there; DescribeTable lists its KeySchema as given; a reopen keeps it. */
    @Test
    void anIndexAddedByUpdateTableHoldsExistingItemsAndSurvivesAReopen() {
        String add = "{\"TableName\":\"matches\"," + DEFINITIONS + ",\"GlobalSecondaryIndexUpdates\":[{\"Create\":{\"IndexName\":\"bracket-index\","
                + "\"KeySchema\":" + BRACKET_KEY + ",\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}}]}";
        try (DynamoDbEngine engine = DynamoDbEngine.open(data, Clock.systemUTC())) {
            Tables.call(engine, "CreateTable", "{\"TableName\":\"matches\",\"AttributeDefinitions\":[{\"AttributeName\":\"matchId\",\"AttributeType\":\"S\"}],"
                    + "\"KeySchema\":[{\"AttributeName\":\"matchId\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
            put(engine, "m2", "T1", "NA", "{\"N\":\"2\"}", "lower");
            put(engine, "m1", "T1", "NA", "{\"N\":\"1\"}", "upper");
            put(engine, "m6", "T1", "NA", "{\"N\":\"3\"}", null);
            assertEquals(200, Tables.call(engine, "UpdateTable", add).status());
            put(engine, "m3", "T1", "NA", "{\"N\":\"2\"}", "upper");
            assertEquals(List.of("m1", "m2", "m3"), ids(query(engine, "tournamentId = :t AND division = :r", "")));
        }
        try (DynamoDbEngine reopened = DynamoDbEngine.open(data, Clock.systemUTC())) {
            JsonNode index = Tables.call(reopened, "DescribeTable", "{\"TableName\":\"matches\"}").body().path("Table").path("GlobalSecondaryIndexes").get(0);
            assertEquals(BRACKET_KEY.replaceAll("\\s", ""), index.path("KeySchema").toString());
            Tables.Reply found = query(reopened, "tournamentId = :t AND division = :r AND round = :two", "");
            assertEquals(List.of("m2", "m3"), ids(found));
            assertFalse(found.body().path("Items").get(0).has("x"));
        }
    }
}
