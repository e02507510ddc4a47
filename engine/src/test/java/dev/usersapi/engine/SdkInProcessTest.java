package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The AWS SDK for Java v2, unchanged, on the engine through the in-process client: its own
 * marshalling, signing and CRC32 check run as they do against DynamoDB.
 */
class SdkInProcessTest {
    private DynamoDbClient dynamo;

    @BeforeEach
    void engine() {
        dynamo = DynamoDbClient.builder().httpClient(new InProcessHttpClient(new DynamoDbEngine(Clock.systemUTC())))
                .endpointOverride(URI.create("http://engine.local")).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"))).build();
        dynamo.createTable(table -> table.tableName("users").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definition("id", ScalarAttributeType.S), definition("createdAt", ScalarAttributeType.N),
                        definition("email", ScalarAttributeType.S))
                .keySchema(key("id", KeyType.HASH), key("createdAt", KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("email-index")
                        .keySchema(key("email", KeyType.HASH), key("createdAt", KeyType.RANGE))
                        .projection(projection -> projection.projectionType(ProjectionType.ALL)).build()));
    }

    private static AttributeDefinition definition(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static Map<String, AttributeValue> user(String id, long createdAt, String email) {
        return Map.of("id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN(Long.toString(createdAt)),
                "email", AttributeValue.fromS(email), "version", AttributeValue.fromN("1"));
    }

    private static Map<String, AttributeValue> keyOf(String id, long createdAt) {
        return Map.of("id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN(Long.toString(createdAt)));
    }

    @Test
    void theSdkTagsATableAsInfrastructureToolsDo() {
        // CreateTable's Tags, TagResource and UntagResource (which answer with no body) and ListTagsOfResource, through the SDK's own marshalling.
        dynamo.createTable(table -> table.tableName("tagged").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definition("id", ScalarAttributeType.S)).keySchema(key("id", KeyType.HASH))
                .tags(software.amazon.awssdk.services.dynamodb.model.Tag.builder().key("env").value("dev").build()));
        String arn = dynamo.describeTable(describe -> describe.tableName("tagged")).table().tableArn();
        dynamo.tagResource(tag -> tag.resourceArn(arn).tags(software.amazon.awssdk.services.dynamodb.model.Tag.builder().key("team").value("users").build()));
        dynamo.untagResource(untag -> untag.resourceArn(arn).tagKeys("env"));
        var tags = dynamo.listTagsOfResource(list -> list.resourceArn(arn)).tags();
        assertEquals(1, tags.size());
        assertEquals("users", tags.get(0).value());
    }

    @Test
    void anItemPutIsReadBackWithAConsistentReadCostingOneUnit() {
        dynamo.putItem(put -> put.tableName("users").item(user("a", 1, "a@example.com")));
        var read = dynamo.getItem(get -> get.tableName("users").key(keyOf("a", 1)).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertEquals(user("a", 1, "a@example.com"), read.item());
        assertEquals(1.0, read.consumedCapacity().capacityUnits());
    }

    @Test
    void aPutConditionalOnAbsenceFailsTheSecondTimeAndChangesNothing() {
        dynamo.putItem(put -> put.tableName("users").item(user("a", 1, "first@example.com")).conditionExpression("attribute_not_exists(id)"));
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(put -> put.tableName("users")
                .item(user("a", 1, "second@example.com")).conditionExpression("attribute_not_exists(id)")));
        assertEquals("first@example.com", dynamo.getItem(get -> get.tableName("users").key(keyOf("a", 1))).item().get("email").s());
    }

    @Test
    void anUpdateWithAVersionConditionIncrementsAndReturnsTheNewItem() {
        dynamo.putItem(put -> put.tableName("users").item(user("a", 1, "a@example.com")));
        var updated = dynamo.updateItem(update -> update.tableName("users").key(keyOf("a", 1))
                .updateExpression("SET #v = #v + :one, age = :age REMOVE email").conditionExpression("#v = :expected")
                .expressionAttributeNames(Map.of("#v", "version"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":expected", AttributeValue.fromN("1"),
                        ":age", AttributeValue.fromN("36")))
                .returnValues(ReturnValue.ALL_NEW));
        assertEquals("2", updated.attributes().get("version").n());
        assertEquals("36", updated.attributes().get("age").n());
        assertFalse(updated.attributes().containsKey("email"));
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.updateItem(update -> update.tableName("users").key(keyOf("a", 1))
                .updateExpression("SET age = :age").conditionExpression("version = :stale")
                .expressionAttributeValues(Map.of(":age", AttributeValue.fromN("1"), ":stale", AttributeValue.fromN("1")))));
    }

    @Test
    void aQueryOnTheEmailIndexFindsOnlyThatEmailInSortKeyOrder() {
        dynamo.putItem(put -> put.tableName("users").item(user("b", 20, "same@example.com")));
        dynamo.putItem(put -> put.tableName("users").item(user("a", 10, "same@example.com")));
        dynamo.putItem(put -> put.tableName("users").item(user("c", 30, "other@example.com")));
        QueryResponse found = dynamo.query(query -> query.tableName("users").indexName("email-index")
                .keyConditionExpression("email = :e").expressionAttributeValues(Map.of(":e", AttributeValue.fromS("same@example.com"))));
        assertEquals(List.of("a", "b"), found.items().stream().map(item -> item.get("id").s()).toList());
    }

    @Test
    void aScanWithALimitIsWalkedPageByPageWithEveryItemOnce() {
        for (int i = 0; i < 7; i++) {
            int n = i;
            dynamo.putItem(put -> put.tableName("users").item(user("u" + n, n, "u" + n + "@example.com")));
        }
        Set<String> seen = new HashSet<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamo.scan(scan -> scan.tableName("users").limit(3).exclusiveStartKey(from));
            page.items().forEach(item -> assertTrue(seen.add(item.get("id").s()), "an item on two pages"));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            pages++;
        } while (start != null && pages < 10);
        assertEquals(7, seen.size());
        assertEquals(3, pages);
    }

    @Test
    void aMissingTableIsResourceNotFoundAndABadExpressionAValidationError() {
        assertThrows(ResourceNotFoundException.class, () -> dynamo.getItem(get -> get.tableName("nope").key(keyOf("a", 1))));
        DynamoDbException invalid = assertThrows(DynamoDbException.class, () -> dynamo.updateItem(update -> update.tableName("users")
                .key(keyOf("a", 1)).updateExpression("SET name = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromS("x")))));
        assertEquals(400, invalid.statusCode());
        assertEquals("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name",
                invalid.awsErrorDetails().errorMessage());
    }
}
