package dev.usersapi.local.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usersapi.declaration.StreamConsumerDeclaration;
import dev.usersapi.local.LocalTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** ReportBatchItemFailures as the Lambda event source mapping honours it without bisection, on a real stream (FailingConsumerTest bisects). */
class StreamEventSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private final dev.usersapi.testing.MutableClock clock = new dev.usersapi.testing.MutableClock(java.time.Instant.now());
    private final LocalTestSupport.Table table = LocalTestSupport.streamTable(clock);
    /** Each invocation's batch, as the ids of its records in order. */
    private final List<List<String>> deliveries = new ArrayList<>();

    @AfterEach
    void stop() {
        table.close();
    }

    @Test
    void retriesFromTheFirstFailedRecordKeepingOrder() {
        write("a", "b", "c");
        Map<String, Integer> failuresLeft = new HashMap<>(Map.of("b", 2));
        source(3, failFor(failuresLeft)).pollOnce();

        assertEquals(List.of(List.of("a", "b", "c"), List.of("b", "c"), List.of("b", "c")), deliveries,
                "a is done after the first call; the batch is retried from b, twice, until b succeeds");
    }

    @Test
    void aRestartWhoseCheckpointWasTrimmedGoesOnFromTheOldestRecordKept() {
        write("a", "b");
        source(0, failFor(new HashMap<>())).pollOnce();
        clock.advance(Duration.ofHours(25));
        write("c");
        source(0, failFor(new HashMap<>())).pollOnce();

        assertEquals(List.of(List.of("a", "b"), List.of("c")), deliveries,
                "a and b passed the stream's 24-hour retention after their checkpoint; the restarted source goes on with c");
    }

    @Test
    void finishesAClosedShardThenFollowsItsChild() {
        StreamEventSource source = source(0, failFor(new HashMap<>()));
        write("a");
        source.pollOnce();
        clock.advance(Duration.ofHours(4).plusSeconds(1));
        write("b", "c");
        source.pollOnce();

        assertEquals(List.of(List.of("a"), List.of("b", "c")), deliveries,
                "in one poll: the parent's expired iterator renewed, the parent read to its end, then the child the engine "
                        + "opened at four hours, from its start");
    }

    @Test
    void aShardGoneWithItsRetentionIsLeftAndTheOthersStillRead() {
        StreamEventSource source = source(0, failFor(new HashMap<>()));
        write("a");
        source.pollOnce();
        clock.advance(Duration.ofHours(4).plusSeconds(1));
        write("b");
        source.pollOnce();
        clock.advance(Duration.ofHours(30));
        write("c");
        source.pollOnce();
        source.pollOnce();

        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), deliveries);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesRecordsTheBatchAndMovesOn() throws Exception {
        write("a", "b", "c");
        Map<String, Integer> failuresLeft = new HashMap<>(Map.of("b", Integer.MAX_VALUE));
        StreamEventSource source = source(2, failFor(failuresLeft));
        source.pollOnce();

        assertEquals(List.of(List.of("a", "b", "c"), List.of("b", "c"), List.of("b", "c")), deliveries,
                "one call and two retries");
        List<String> lines = Files.readAllLines(data.resolve("failures.jsonl"));
        assertEquals(1, lines.size());
        JsonNode dropped = JSON.readTree(lines.get(0));
        assertEquals("RetryAttemptsExhausted", dropped.path("requestContext").path("condition").asText());
        assertEquals(2, dropped.path("DDBStreamBatchInfo").path("batchSize").asInt());
        assertEquals("b", dropped.path("records").get(0).path("dynamodb").path("Keys").path("id").path("S").asText());

        deliveries.clear();
        write("d");
        source.pollOnce();
        assertEquals(List.of(List.of("d")), deliveries, "the shard is not blocked behind the dropped batch");
    }

    @Test
    void aFunctionErrorRetriesTheWholeBatch() {
        write("a", "b");
        int[] calls = {0};
        source(3, event -> {
            record(event);
            if (calls[0]++ == 0) {
                throw new IllegalStateException("function crashed");
            }
            return "{\"batchItemFailures\":[]}";
        }).pollOnce();
        assertEquals(List.of(List.of("a", "b"), List.of("a", "b")), deliveries);
    }

    @Test
    void resumesAfterTheLastCheckpointedRecord() {
        write("a", "b");
        source(3, event -> {
            record(event);
            return "{}";
        }).pollOnce();
        deliveries.clear();
        write("c");
        source(3, event -> {
            record(event);
            return "{}";
        }).pollOnce();
        assertEquals(List.of(List.of("c")), deliveries, "a new event source on the same checkpoints starts after b");
    }

    private Function<String, String> failFor(Map<String, Integer> failuresLeft) {
        return event -> {
            List<String> ids = record(event);
            JsonNode records = parse(event).path("Records");
            for (int i = 0; i < ids.size(); i++) {
                int left = failuresLeft.getOrDefault(ids.get(i), 0);
                if (left > 0) {
                    failuresLeft.put(ids.get(i), left - 1);
                    String sequence = records.get(i).path("dynamodb").path("SequenceNumber").asText();
                    return "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + sequence + "\"}]}";
                }
            }
            return "{\"batchItemFailures\":[]}";
        };
    }

    private List<String> record(String event) {
        List<String> ids = new ArrayList<>();
        parse(event).path("Records").forEach(record -> ids.add(record.path("dynamodb").path("Keys").path("id").path("S").asText()));
        deliveries.add(ids);
        return ids;
    }

    private StreamEventSource source(int retries, Function<String, String> function) {
        return new StreamEventSource(table.streams(), table.streamArn(), "local",
                new StreamConsumerDeclaration(10, "TRIM_HORIZON", retries, 3600, false), function,
                Optional.of(data.resolve("checkpoints.json")), new FailureDestination(data.resolve("failures.jsonl")),
                Clock.systemUTC(), Duration.ZERO, line -> { });
    }

    private void write(String... ids) {
        for (String id : ids) {
            table.client().putItem(put -> put.tableName(table.name()).item(Map.of(
                    "id", AttributeValue.fromS(id), "createdAt", AttributeValue.fromN("1"),
                    "email", AttributeValue.fromS(id + "@example.com"), "updatedAt", AttributeValue.fromN("1"))));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
