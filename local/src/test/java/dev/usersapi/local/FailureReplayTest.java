package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.declaration.StreamConsumerDeclaration;
import dev.usersapi.local.streams.FailureDestination;
import dev.usersapi.local.streams.FailureReplay;
import dev.usersapi.local.streams.StreamEventSource;
import dev.usersapi.log.JsonLines;
import dev.usersapi.stream.UserStreamHandler;
import dev.usersapi.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The replay command against the local stack's failure queue: a consumer that fails every record
 * sends the batch to the failure destination (only its shard and sequence range, as Lambda's
 * DDBStreamBatchInfo); once the consumer is fixed, the replay re-reads exactly that range from the
 * stream and the real stream handler, invoked through the Lambda runtime's serialization, applies
 * every change of it, in order. The same failure as the body of an SQS message (the cloud's
 * queue, read with {@code aws sqs receive-message}) replays the same way; past the stream's 24
 * hours it says the changes are lost.
 */
class FailureReplayTest {
    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final LocalTestSupport.Table table = LocalTestSupport.streamTable(clock);

    @AfterEach
    void stop() {
        table.close();
    }

    @Test
    void aQueuedBatchIsReReadFromTheStreamAndAppliedOnceFixed() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(false);
        List<String> applied = new ArrayList<>();
        UserStreamHandler handler = new UserStreamHandler(change -> {
            if (broken.get()) {
                throw new IllegalStateException("downstream unavailable");
            }
            applied.add(change.eventId());
        }, new JsonLines(new PrintStream(new ByteArrayOutputStream())));
        var lambda = new LambdaInvoker<>(handler, DynamodbEvent.class, StreamsEventResponse.class);
        Path queue = data.resolve("stream-failures.jsonl");
        List<String> failed;
        try (StreamEventSource source = new StreamEventSource(table.streams(), table.streamArn(), "local",
                new StreamConsumerDeclaration(10, "TRIM_HORIZON", 0, 3600, false),
                event -> lambda.invoke(event, new LocalContext("test", "users-stream")),
                Optional.empty(), new FailureDestination(queue), clock, Duration.ZERO, line -> { })) {
            // Two changes applied, three set aside while the consumer is broken, two more applied after it is fixed.
            write(2);
            source.pollOnce();
            broken.set(true);
            write(3);
            source.pollOnce();
            broken.set(false);
            write(2);
            source.pollOnce();
        }
        List<String> written = table.readAllRecords().stream().map(Record::eventID).toList();
        failed = written.subList(2, 5);
        assertEquals(1, Files.readAllLines(queue).size(), "the failing batch was set aside");
        assertEquals(List.of(written.get(0), written.get(1), written.get(5), written.get(6)), applied);
        applied.clear();

        String failures = Files.readString(queue);
        Path events = data.resolve("replay");
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        assertEquals(0, replay(failures, events, report));
        String answer = lambda.invoke(Files.readString(events.resolve("0.event.json")), new LocalContext("replay", "users-stream"));

        assertEquals(failed, applied, "exactly the changes of the failed range, in stream order");
        assertEquals(0, new ObjectMapper().readTree(answer).path("batchItemFailures").size());
        assertTrue(report.toString().contains("3 of 3 record(s) re-read"), report.toString());

        // The cloud's queue: the same record as an SQS message body, read with `aws sqs receive-message`.
        ObjectNode received = new ObjectMapper().createObjectNode();
        received.putArray("Messages").addObject().put("ReceiptHandle", "receipt-1").put("Body", failures.strip());
        Path fromSqs = data.resolve("replay-sqs");
        assertEquals(0, replay(received.toString(), fromSqs, new ByteArrayOutputStream()));
        assertEquals(Files.readString(events.resolve("0.event.json")), Files.readString(fromSqs.resolve("0.event.json")));
        assertEquals("receipt-1", Files.readString(fromSqs.resolve("0.receipt")));

        // A day later the stream has trimmed the records: the replay says so and fails.
        clock.advance(Duration.ofHours(25));
        ByteArrayOutputStream lost = new ByteArrayOutputStream();
        assertEquals(1, replay(failures, data.resolve("replay-late"), lost));
    }

    private void write(int items) {
        for (int i = 0; i < items; i++) {
            table.client().putItem(put -> put.tableName(table.name()).item(Map.of("id", AttributeValue.fromS("u" + System.nanoTime()),
                    "createdAt", AttributeValue.fromN("1"), "email", AttributeValue.fromS("x@example.com"),
                    "updatedAt", AttributeValue.fromN("1"))));
        }
    }

    private int replay(String failures, Path out, ByteArrayOutputStream report) throws Exception {
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        PrintStream captured = new PrintStream(report, true);
        System.setOut(captured);
        System.setErr(captured);
        try {
            return FailureReplay.write(new FailureReplay(table.streams(), "local"), failures, out);
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}
