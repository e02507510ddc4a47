package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.StreamConsumerDeclaration;
import dev.usersapi.log.JsonLines;
import dev.usersapi.local.streams.FailureDestination;
import dev.usersapi.local.streams.StreamEventSource;
import dev.usersapi.stream.UserStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The real stream handler, failing at random on a fraction of records and always on one poison
 * item, fed through the local event source with the Lambda runtime's serialization: every other
 * change is applied exactly once and in order per item; the poison goes to the failure
 * destination after the configured retries and holds nothing else up beyond them.
 */
class FailingConsumerTest {
    private static final int ITEMS = 20;
    private static final int UPDATES_EACH = 8;
    private static final int RETRIES = 12;
    private static final double FAILURE_RATE = 0.2;

    @TempDir
    Path data;

    private final LocalTestSupport.Table table = LocalTestSupport.streamTable();

    @AfterEach
    void stop() {
        table.close();
    }

    @Test
    void everyChangeIsAppliedOnceInOrderAndThePoisonIsSetAside() throws Exception {
        Random random = new Random(20261124);
        AtomicInteger injected = new AtomicInteger();
        Map<String, Integer> applications = new HashMap<>();
        Map<String, List<String>> appliedPerItem = new LinkedHashMap<>();
        AtomicInteger poisonAttempts = new AtomicInteger();
        // The effect: an idempotent "apply" keyed by the record's eventId, as ChangeConsumer requires.
        UserStreamHandler handler = new UserStreamHandler(change -> {
            String item = String.valueOf(change.keys().get("id"));
            if (item.equals("poison")) {
                poisonAttempts.incrementAndGet();
                throw new IllegalStateException("poison record");
            }
            if (random.nextDouble() < FAILURE_RATE) {
                injected.incrementAndGet();
                throw new IllegalStateException("injected failure");
            }
            if (applications.merge(change.eventId(), 1, Integer::sum) == 1) {
                appliedPerItem.computeIfAbsent(item, key -> new ArrayList<>()).add(change.sequenceNumber());
            }
        }, new JsonLines(new PrintStream(new ByteArrayOutputStream())));
        var lambda = new LambdaInvoker<>(handler, DynamodbEvent.class, StreamsEventResponse.class);

        for (int round = 0; round <= UPDATES_EACH; round++) {
            for (int item = 0; item < ITEMS; item++) {
                write("user-" + item, round);
            }
            if (round == 3) {
                write("poison", 0);
            }
        }
        StreamEventSource source = new StreamEventSource(table.streams(), table.streamArn(), "local",
                new StreamConsumerDeclaration(25, "TRIM_HORIZON", RETRIES, 3600, true),
                event -> lambda.invoke(event, new LocalContext("test", "users-stream")),
                Optional.of(data.resolve("checkpoints.json")), new FailureDestination(data.resolve("failures.jsonl")),
                Clock.systemUTC(), Duration.ZERO, line -> { });
        source.pollOnce();

        List<Record> written = table.readAllRecords();
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Record record : written) {
            String item = record.dynamodb().keys().get("id").s();
            if (!item.equals("poison")) {
                expected.computeIfAbsent(item, key -> new ArrayList<>()).add(record.dynamodb().sequenceNumber());
            }
        }
        assertEquals(expected, appliedPerItem, "every change of every item, in stream order");
        assertTrue(applications.values().stream().allMatch(count -> count == 1), "each change applied once");
        assertTrue(injected.get() > 0, "failures were injected");

        List<String> failures = Files.readAllLines(data.resolve("failures.jsonl"));
        assertEquals(1, failures.size(), "one dropped batch");
        JsonNode dropped = new ObjectMapper().readTree(failures.get(0));
        assertEquals("RetryAttemptsExhausted", dropped.path("requestContext").path("condition").asText());
        assertEquals(1, dropped.path("records").size(), "bisection leaves the poison record alone in the dropped batch");
        assertEquals("poison", dropped.path("records").get(0).path("dynamodb").path("Keys").path("id").path("S").asText());
        // Tried in the batch, in each half that held it while bisecting (at most log2(25) + 1 halvings), then retried alone.
        assertTrue(poisonAttempts.get() >= RETRIES + 1 && poisonAttempts.get() <= RETRIES + 1 + 6, "attempts: " + poisonAttempts.get());
        System.out.printf("failing consumer: %d changes applied once each, %d failures injected, poison tried %d times%n",
                applications.size(), injected.get(), poisonAttempts.get());
    }

    private void write(String id, int version) {
        table.client().putItem(put -> put.tableName(table.name()).item(Map.of(
                "id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN("1"),
                "email", AttributeValue.fromS(id + "@example.com"), "updatedAt", AttributeValue.fromN(Integer.toString(version)),
                "version", AttributeValue.fromN(Integer.toString(version)))));
    }

}
