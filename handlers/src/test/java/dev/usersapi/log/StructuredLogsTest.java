package dev.usersapi.log;

import static dev.usersapi.testing.ApiRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonParser;
import dev.usersapi.api.UsersApi;
import dev.usersapi.api.UsersApiHandler;
import dev.usersapi.model.UserIds;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.UsersTableSettings;
import dev.usersapi.stream.ChangeLog;
import dev.usersapi.stream.UserStreamHandler;
import dev.usersapi.testing.DynamoDbEndpoint;
import dev.usersapi.testing.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What reaches CloudWatch Logs from both handlers, invoked as Lambda invokes them: every line is
 * one JSON object (duplicate keys refused) with an RFC 3339 timestamp, one of Lambda's application
 * log levels, the Lambda request id and, from the API, API Gateway's request id, the route and
 * the cold-start flag; the metric lines are valid embedded metric format, and publish exactly the
 * metrics emf-metrics.json lists (which the stacks' alarm test reads).
 */
public class StructuredLogsTest {
    /** Strict: a line with the same key twice is not JSON a log query can trust. */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> LAMBDA_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final JsonLines lines = new JsonLines(new PrintStream(out, true, StandardCharsets.UTF_8));

    @Test
    void everyLineOfBothFunctionsIsJsonWithItsRequestIds() throws IOException {
        DynamoDbEndpoint dynamo = DynamoDbEndpoint.shared();
        UsersTableSettings table = dynamo.createUsersTable();
        UsersApiHandler api = handler(new UserStore(dynamo.client(), table), table);
        // A missing table: the fault path, with its log line and metric.
        var missing = new UsersTableSettings("no-such-table", "email-index", Optional.empty(), "no-such-keys", Duration.ofDays(1));
        UsersApiHandler broken = handler(new UserStore(dynamo.client(), missing), missing);

        Map<String, TestContext> invocations = new java.util.LinkedHashMap<>();
        for (var call : List.of(
                Map.entry(api, request("POST", "/users").json("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}").event()),
                Map.entry(api, request("GET", "/users/0190a0a0-0000-7000-8000-000000000000").event()),
                Map.entry(broken, request("GET", "/users").event()))) {
            TestContext context = TestContext.of("users-api");
            APIGatewayV2HTTPEvent event = call.getValue();
            call.getKey().handleRequest(event, context);
            invocations.put(context.awsRequestId(), context);
        }
        UserStreamHandler stream = new UserStreamHandler(change -> {
            throw new IllegalStateException("downstream unavailable");
        }, lines);
        TestContext streamContext = TestContext.of("users-stream");
        stream.handleRequest(streamEvent(), streamContext);
        new UserStreamHandler(new ChangeLog(lines), lines).handleRequest(streamEvent(), TestContext.of("users-stream"));

        List<String> written = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(written.size() >= 5, "lines: " + written);
        Set<String> apiRequestIdsSeen = new HashSet<>();
        for (String line : written) {
            JsonNode json = STRICT.readTree(line);
            assertTrue(json.isObject(), line);
            assertFalse(json.path("lambdaRequestId").asText().isEmpty(), "no Lambda request id: " + line);
            assertTrue(json.path("coldStart").isBoolean(), line);
            assertFalse(json.path("route").asText().isEmpty(), line);
            if (json.path("function").asText().equals("users-api")) {
                assertTrue(invocations.containsKey(json.get("lambdaRequestId").asText()), line);
                assertFalse(json.path("apiRequestId").asText().isEmpty(), "no API Gateway request id: " + line);
                apiRequestIdsSeen.add(json.get("apiRequestId").asText());
            }
            if (!json.has("_aws")) {
                assertTrue(LAMBDA_LEVELS.contains(json.path("level").asText()), "Lambda files a line without a known level as INFO: " + line);
                OffsetDateTime.parse(json.path("timestamp").asText());
            }
        }
        assertFalse(apiRequestIdsSeen.isEmpty());
        assertTrue(written.stream().anyMatch(line -> line.contains("\"level\":\"ERROR\"") && line.contains("\"kind\":\"fault\"")));
        assertTrue(written.stream().anyMatch(line -> line.contains("\"lambdaRequestId\":\"" + streamContext.awsRequestId() + "\"")
                && line.contains("\"level\":\"ERROR\"")), "the stream's failure line names its invocation");
        assertEquals(declaredMetrics(), emittedMetrics(written, Set.of("Faults", "FailedRecords")),
                "the metrics these paths emit, as emf-metrics.json lists them");
    }

    @Test
    void onlyTheFirstInvocationOfAContainerIsCold() throws ReflectiveOperationException {
        // Earlier tests in this JVM invoked already: start the container afresh.
        var first = Invocation.class.getDeclaredField("FIRST");
        first.setAccessible(true);
        ((java.util.concurrent.atomic.AtomicBoolean) first.get(null)).set(true);
        assertTrue(Invocation.ofStream(TestContext.of("f")).coldStart(), "the first invocation of a JVM is cold");
        assertFalse(Invocation.ofStream(TestContext.of("f")).coldStart(), "the second invocation of a JVM is warm");
    }

    /**
     * Each EMF line as the specification requires: _aws.Timestamp in epoch milliseconds, one
     * directive naming a namespace, dimension sets whose every name is a member of the line, and
     * metrics whose every name is a numeric member.
     */
    public static Set<String> emittedMetrics(List<String> written, Set<String> expectedNames) throws IOException {
        Set<String> emitted = new TreeSet<>();
        for (String line : written) {
            JsonNode json = STRICT.readTree(line);
            if (!json.has("_aws")) {
                continue;
            }
            assertTrue(json.get("_aws").get("Timestamp").isIntegralNumber(), line);
            for (JsonNode directive : json.get("_aws").get("CloudWatchMetrics")) {
                String namespace = directive.get("Namespace").asText();
                for (JsonNode set : directive.get("Dimensions")) {
                    List<String> dimensions = new java.util.ArrayList<>();
                    set.forEach(name -> {
                        assertTrue(json.path(name.asText()).isTextual() && !json.get(name.asText()).asText().isEmpty(), line);
                        dimensions.add(name.asText());
                    });
                    for (JsonNode metric : directive.get("Metrics")) {
                        String name = metric.get("Name").asText();
                        assertTrue(json.path(name).isNumber(), line);
                        emitted.add(namespace + " " + name + " " + dimensions);
                    }
                }
            }
        }
        return emitted;
    }

    /** emf-metrics.json, in the same form, limited to what a test's paths emit. */
    public static Set<String> declaredMetrics(Set<String> names) throws IOException {
        Set<String> declared = new TreeSet<>();
        JsonNode file = new ObjectMapper().readTree(StructuredLogsTest.class.getResourceAsStream("emf-metrics.json"));
        for (JsonNode metric : file.get("metrics")) {
            if (!names.contains(metric.get("name").asText())) {
                continue;
            }
            for (JsonNode set : metric.get("dimensionSets")) {
                List<String> dimensions = new java.util.ArrayList<>();
                set.forEach(name -> dimensions.add(name.asText()));
                declared.add(metric.get("namespace").asText() + " " + metric.get("name").asText() + " " + dimensions);
            }
        }
        return declared;
    }

    private Set<String> declaredMetrics() throws IOException {
        return declaredMetrics(Set.of("Faults", "FailedRecords"));
    }

    private UsersApiHandler handler(UserStore store, UsersTableSettings table) {
        DynamoDbEndpoint dynamo = DynamoDbEndpoint.shared();
        return new UsersApiHandler(new UsersApi(store, new IdempotencyStore(dynamo.client(), table.idempotencyTableName(),
                table.idempotencyRetention()), new UserIds(new SecureRandom()), Clock.systemUTC(), lines));
    }

    private static DynamodbEvent streamEvent() {
        var stream = new StreamRecord();
        stream.setKeys(Map.of("id", new AttributeValue().withS("u1"), "createdAt", new AttributeValue().withN("1")));
        stream.setNewImage(Map.of("id", new AttributeValue().withS("u1")));
        stream.setSequenceNumber("100");
        stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES);
        var record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID("e-" + System.nanoTime());
        record.setEventName("INSERT");
        record.setEventSource("aws:dynamodb");
        record.setDynamodb(stream);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(record));
        return event;
    }
}
