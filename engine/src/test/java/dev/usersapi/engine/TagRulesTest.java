package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tags as the API reference (Tag, CreateTable, TagResource, UntagResource, ListTagsOfResource) and
 * the developer guide ("Tagging restrictions") define them. dynalite ignores CreateTable's Tags and
 * has no limits, so these rules are held here; the calls themselves are held to dynalite in cases.txt.
 */
class TagRulesTest {
    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/";

    private static String table(String name, String tags) {
        return "{\"TableName\":\"" + name + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\",\"Tags\":" + tags + "}";
    }

    private static String tags(int count, String prefix) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tags.add("{\"Key\":\"" + prefix + i + "\",\"Value\":\"v" + i + "\"}");
        }
        return "[" + String.join(",", tags) + "]";
    }

    private static JsonNode listed(DynamoDbEngine engine, String name) {
        Tables.Reply reply = Tables.call(engine, "ListTagsOfResource", "{\"ResourceArn\":\"" + ARN + name + "\"}");
        assertEquals(200, reply.status(), reply.body().toString());
        return reply.body().path("Tags");
    }

    @Test
    void createTableTagsAreListedAsTheTableHasThem() {
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        Tables.Reply created = Tables.call(engine, "CreateTable", table("tagged", "[{\"Key\":\"env\",\"Value\":\"dev\"},{\"Key\":\"cost-centre\",\"Value\":\"\"}]"));
        assertEquals(200, created.status(), created.body().toString());
        assertEquals("[{\"Key\":\"cost-centre\",\"Value\":\"\"},{\"Key\":\"env\",\"Value\":\"dev\"}]", listed(engine, "tagged").toString());
    }

    @Test
    void keysUpTo128AndValuesUpTo256CharactersAreAcceptedNotLonger() {
        // API reference, Tag: Key "Minimum length of 1. Maximum length of 128", Value "Minimum length of 0. Maximum length of 256".
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        String atLimits = "[{\"Key\":\"" + "k".repeat(128) + "\",\"Value\":\"" + "v".repeat(256) + "\"}]";
        assertEquals(200, Tables.call(engine, "CreateTable", table("limits", atLimits)).status());
        Tables.Reply longKey = Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "limits\",\"Tags\":[{\"Key\":\"" + "k".repeat(129) + "\",\"Value\":\"v\"}]}");
        assertEquals("1 validation error detected: Value '" + "k".repeat(129) + "' at 'tags.1.member.key' failed to satisfy constraint: "
                + "Member must have length less than or equal to 128", longKey.body().path("message").asText());
        Tables.Reply longValue = Tables.call(engine, "CreateTable", table("longvalue", "[{\"Key\":\"k\",\"Value\":\"" + "v".repeat(257) + "\"}]"));
        assertEquals(400, longValue.status());
        assertTrue(longValue.body().path("message").asText().contains("'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"));
        Tables.Reply emptyKey = Tables.call(engine, "CreateTable", table("emptykey", "[{\"Key\":\"\",\"Value\":\"v\"}]"));
        assertTrue(emptyKey.body().path("message").asText().contains("Member must have length greater than or equal to 1"), emptyKey.body().toString());
        assertEquals(400, Tables.call(engine, "DescribeTable", "{\"TableName\":\"longvalue\"}").status(), "a refused CreateTable makes no table");
    }

    @Test
    void atMostFiftyTagsATableCountingThoseItHas() {
        // Developer guide, "Tagging restrictions": "The maximum number of tags per resource is 50."
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        assertEquals(400, Tables.call(engine, "CreateTable", table("many", tags(51, "k"))).status());
        assertEquals(200, Tables.call(engine, "CreateTable", table("many", tags(50, "k"))).status());
        // Retagging a key it has replaces the value and adds nothing (API reference, Tag).
        assertEquals(200, Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "many\",\"Tags\":[{\"Key\":\"k7\",\"Value\":\"new\"}]}").status());
        Tables.Reply oneMore = Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "many\",\"Tags\":[{\"Key\":\"extra\",\"Value\":\"v\"}]}");
        assertEquals(400, oneMore.status());
        assertTrue(oneMore.body().path("__type").asText().endsWith("#LimitExceededException"), oneMore.body().toString());
        JsonNode listed = listed(engine, "many");
        assertEquals(50, listed.size());
        assertTrue(listed.toString().contains("{\"Key\":\"k7\",\"Value\":\"new\"}"));
    }

    @Test
    void theAwsPrefixAndCharactersOutsideTheAllowedSetAreRefused() {
        // Developer guide, "Tagging restrictions": the aws: prefix "you can't assign"; letters, white space, numbers and + - = . _ : /.
        DynamoDbEngine engine = new DynamoDbEngine(Clock.systemUTC());
        assertEquals(200, Tables.call(engine, "CreateTable", table("chars", "[{\"Key\":\"Name with spaces +-=._:/\",\"Value\":\"\u00e9t\u00e9 2026\"}]")).status());
        assertEquals(400, Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "chars\",\"Tags\":[{\"Key\":\"aws:owner\",\"Value\":\"x\"}]}").status());
        assertEquals(400, Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "chars\",\"Tags\":[{\"Key\":\"a*b\",\"Value\":\"x\"}]}").status());
        assertEquals(1, listed(engine, "chars").size());
    }

    @Test
    void tagsSurviveAReopen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
        try (DynamoDbEngine engine = DynamoDbEngine.open(directory, Clock.systemUTC())) {
            Tables.call(engine, "CreateTable", table("kept", "[{\"Key\":\"env\",\"Value\":\"dev\"}]"));
            Tables.call(engine, "TagResource", "{\"ResourceArn\":\"" + ARN + "kept\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"users\"}]}");
        }
        try (DynamoDbEngine engine = DynamoDbEngine.open(directory, Clock.systemUTC())) {
            assertEquals("[{\"Key\":\"env\",\"Value\":\"dev\"},{\"Key\":\"team\",\"Value\":\"users\"}]", listed(engine, "kept").toString());
        }
    }
}
