package dev.usersapi.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.charset.StandardCharsets;

/** Raw requests to an engine, for tests that speak DynamoDB's JSON directly. */
public final class Tables {
    /** Reads names as long as DynamoDB's 64 KB attribute names, past Jackson's default of 50,000. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNameLength(400 * 1024).build()).build());
    public static final String USERS = "{\"TableName\":\"users\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
            + "{\"AttributeName\":\"email\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
            + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"email-index\",\"KeySchema\":[{\"AttributeName\":\"email\",\"KeyType\":\"HASH\"}],"
            + "\"Projection\":{\"ProjectionType\":\"ALL\"}}],\"BillingMode\":\"PAY_PER_REQUEST\"}";

    private Tables() {}

    public record Reply(int status, JsonNode body) {}

    public static Reply call(DynamoDbEngine engine, String operation, String body) {
        // "DynamoDBStreams:Op" reaches the Streams API on the same endpoint; a bare name, DynamoDB's.
        String target = operation.startsWith("DynamoDBStreams:") ? "DynamoDBStreams_20120810." + operation.substring("DynamoDBStreams:".length())
                : DynamoDbEngine.TARGET_PREFIX + operation;
        DynamoDbEngine.Answer answer = engine.handle(target, body.getBytes(StandardCharsets.UTF_8));
        try {
            return new Reply(answer.status(), JSON.readTree(answer.body()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
