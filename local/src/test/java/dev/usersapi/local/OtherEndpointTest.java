package dev.usersapi.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.EngineHttpServer;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.Change;
import dev.usersapi.stream.UserStreamHandler;
import dev.usersapi.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * {@code bin/local --dynamodb-endpoint URL}: the stack against another DynamoDB endpoint, here a
 * second engine reached only over HTTP, as real DynamoDB would be, with region and credentials
 * from the SDK's default chains (set here as the system properties those chains read).
 */
class OtherEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Change> CHANGES = new CopyOnWriteArrayList<>();
    private static final MutableClock OTHER_CLOCK = new MutableClock(Instant.now());
    private static final String USERS = "users-api-local-dev-users";

    @TempDir
    static Path data;
    private static DynamoDbEngine otherEngine;
    private static EngineHttpServer otherEndpoint;
    private static DynamoDbClient other;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        otherEngine = new DynamoDbEngine(OTHER_CLOCK);
        otherEndpoint = EngineHttpServer.onLoopback(otherEngine, 0);
        System.setProperty("aws.region", "eu-west-1");
        System.setProperty("aws.accessKeyId", "AKIDOTHERENDPOINT");
        System.setProperty("aws.secretAccessKey", "secret");
        other = DynamoDbClient.builder().endpointOverride(otherEndpoint.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(Apache5HttpClient.create()).build();
        var quiet = new JsonLines(new PrintStream(new ByteArrayOutputStream()));
        stack = LocalStack.start(LocalOptions.parse("--dynamodb-endpoint", otherEndpoint.endpoint().toString(), "--port", "0",
                        "--data-dir", data.toString(), "--stream-poll-ms", "50"),
                ProjectLayout.current(), new UserStreamHandler(CHANGES::add, quiet), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        stack.close();
        other.close();
        otherEndpoint.close();
        otherEngine.close();
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void createsTheStacksTablesThereWithTheirTimeToLive() {
        assertEquals(List.of("users-api-local-dev-idempotency-keys", USERS), other.listTables().tableNames());
        assertEquals(TimeToLiveStatus.ENABLED, other.describeTimeToLive(ttl -> ttl.tableName(USERS))
                .timeToLiveDescription().timeToLiveStatus());
        assertEquals(USERS, stack.usersTableName());
    }

    @Test
    void aSecondStartFindsTheTablesAndKeepsTheirItems() throws Exception {
        String id = create("Kept");
        var again = LocalStack.start(LocalOptions.parse("--dynamodb-endpoint", otherEndpoint.endpoint().toString(), "--port", "0",
                "--data-dir", data.resolve("again").toString()), ProjectLayout.current());
        try {
            var read = HTTP.send(HttpRequest.newBuilder(again.baseUrl().resolve("/users/" + id)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode());
        } finally {
            again.close();
        }
    }

    @Test
    void keepsUsersInTheOtherEndpointsTable() throws Exception {
        String id = create("Remote");
        var items = other.scan(scan -> scan.tableName(USERS).filterExpression("id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(id)))).items();
        assertEquals(1, items.size());
        assertEquals("Remote", items.get(0).get("name").s());
    }

    @Test
    void deliversTheOtherEndpointsStreamToTheStreamHandler() throws Exception {
        String id = create("Streamed");
        await().atMost(Duration.ofSeconds(10)).until(() -> CHANGES.stream().anyMatch(change -> id.equals(change.keys().get("id"))
                && change.eventName().equals("INSERT")));
    }

    @Test
    void leavesExpiryToTheOtherEndpoint() throws Exception {
        String id = create("Expiring");
        assertTrue(stack.expireNow().isEmpty(), "the stack does not expire what another endpoint holds");
        // Its expiry brought forward where it is kept, rather than the clock moved on days, past the stream's retention.
        var key = other.scan(scan -> scan.tableName(USERS).filterExpression("id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(id)))).items().get(0);
        other.updateItem(update -> update.tableName(USERS).key(Map.of("id", key.get("id"), "createdAt", key.get("createdAt")))
                .updateExpression("SET deleteAt = :past").expressionAttributeValues(Map.of(":past",
                        AttributeValue.fromN(Long.toString(OTHER_CLOCK.instant().minusSeconds(60).getEpochSecond())))));
        assertEquals(1, otherEngine.expireNow());
        await().atMost(Duration.ofSeconds(10)).until(() -> CHANGES.stream().anyMatch(change -> id.equals(change.keys().get("id"))
                && change.eventName().equals("REMOVE") && change.expired()));
    }

    @Test
    void refusesAnEndpointThatIsNoUrlAndTheEnginesOwnPortBesideIt() {
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse("--dynamodb-endpoint", "dynamodb.eu-west-1"));
        var both = assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse("--dynamodb-endpoint", "http://127.0.0.1:8000",
                "--dynamodb-port", "8001"));
        assertTrue(both.getMessage().contains("--dynamodb-port"), both.getMessage());
    }

    private static String create(String name) throws Exception {
        var created = HTTP.send(HttpRequest.newBuilder(stack.baseUrl().resolve("/users")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"email\":\"" + name.toLowerCase() + "@example.com\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body()).get("id").asText();
    }
}
