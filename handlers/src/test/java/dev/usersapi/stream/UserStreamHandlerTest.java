package dev.usersapi.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.log.JsonLines;
import dev.usersapi.testing.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream consumer on records shaped as Lambda delivers them (NEW_AND_OLD_IMAGES). */
class UserStreamHandlerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final JsonLines lines = new JsonLines(new PrintStream(out, true, StandardCharsets.UTF_8));

    @Test
    void logsOneJsonLinePerChangeNamingEachChangedAttributeButNoValue() {
        var handler = new UserStreamHandler(new ChangeLog(lines), lines);
        var modify = record("e1", "MODIFY", "100",
                Map.of("id", s("u1"), "name", s("Ada"), "version", n("1"), "age", n("30")),
                Map.of("id", s("u1"), "name", s("Ada L."), "version", n("2"), "age", n("30.0")));

        StreamsEventResponse response = handler.handleRequest(event(modify), null);

        assertTrue(response.getBatchItemFailures().isEmpty());
        JsonNode line = Json.parse(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("MODIFY", line.get("event").asText());
        assertEquals("u1", line.get("keys").get("id").asText());
        assertEquals(List.of("name", "version"), names(line.get("changed")), "30 and 30.0 are the same number; the id did not change");
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("Ada"), "no value of a changed attribute");
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    @Test
    void marksTimeToLiveDeletionsAsExpired() {
        var handler = new UserStreamHandler(new ChangeLog(lines), lines);
        var remove = record("e2", "REMOVE", "200", Map.of("id", s("u1"), "name", s("Ada")), null);
        Identity ttl = new Identity();
        ttl.setType("Service");
        ttl.setPrincipalId("dynamodb.amazonaws.com");
        remove.setUserIdentity(ttl);

        handler.handleRequest(event(remove), null);

        JsonNode line = Json.parse(out.toString(StandardCharsets.UTF_8).strip());
        assertTrue(line.get("expired").asBoolean());
        assertEquals(List.of("id", "name"), names(line.get("changed")));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("Ada"), "the removed user's data stays out of the log");
    }

    @Test
    void reportsTheFirstFailedRecordAndLeavesTheRestForTheRetry() {
        List<String> seen = new ArrayList<>();
        var handler = new UserStreamHandler(change -> {
            if (change.eventId().equals("b")) {
                throw new IllegalStateException("downstream unavailable");
            }
            seen.add(change.eventId());
        }, lines);

        StreamsEventResponse response = handler.handleRequest(event(
                record("a", "INSERT", "1", null, Map.of("id", s("u1"))),
                record("b", "INSERT", "2", null, Map.of("id", s("u2"))),
                record("c", "INSERT", "3", null, Map.of("id", s("u3")))), null);

        assertEquals(List.of("a"), seen, "c is not processed ahead of b");
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals("2", response.getBatchItemFailures().get(0).getItemIdentifier());
    }

    @Test
    void processingARecordTwiceLogsItOnce() {
        var handler = new UserStreamHandler(new ChangeLog(lines), lines);
        var insert = record("e3", "INSERT", "300", null, Map.of("id", s("u1"), "name", s("Ada")));

        handler.handleRequest(event(insert), null);
        handler.handleRequest(event(insert), null);

        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void anEmptyBatchSucceeds() {
        var handler = new UserStreamHandler(new ChangeLog(lines), lines);
        assertTrue(handler.handleRequest(new DynamodbEvent(), null).getBatchItemFailures().isEmpty());
    }

    private static DynamodbEvent event(DynamodbEvent.DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(records));
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord record(String eventId, String eventName, String sequence,
                                                             Map<String, AttributeValue> oldImage,
                                                             Map<String, AttributeValue> newImage) {
        var stream = new StreamRecord();
        stream.setKeys(Map.of("id", s("u1"), "createdAt", n("1")));
        stream.setOldImage(oldImage);
        stream.setNewImage(newImage);
        stream.setSequenceNumber(sequence);
        stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES);
        var record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(eventId);
        record.setEventName(eventName);
        record.setEventSource("aws:dynamodb");
        record.setDynamodb(stream);
        return record;
    }

    private static AttributeValue s(String value) {
        return new AttributeValue().withS(value);
    }

    private static AttributeValue n(String value) {
        return new AttributeValue().withN(value);
    }
}
