package dev.usersapi.local.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.usersapi.local.LocalTestSupport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Real stream records from the engine, written as Lambda's event JSON and read back by the
 * Lambda runtime's own deserializer: every field must arrive as the SDK read it.
 */
class StreamEventPayloadsTest {
    private static LocalTestSupport.Table table;
    private static List<Record> records;
    private static DynamodbEvent event;

    @BeforeAll
    static void readRealRecords() {
        table = LocalTestSupport.streamTable();
        Map<String, AttributeValue> item = Map.ofEntries(
                Map.entry("id", AttributeValue.fromS("u1")),
                Map.entry("createdAt", AttributeValue.fromN("1764000000000")),
                Map.entry("email", AttributeValue.fromS("a@b.co")),
                Map.entry("updatedAt", AttributeValue.fromN("1764000000000")),
                Map.entry("ratio", AttributeValue.fromN("0.25")),
                Map.entry("avatar", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2, (byte) 0xff}))),
                Map.entry("active", AttributeValue.fromBool(true)),
                Map.entry("nothing", AttributeValue.fromNul(true)),
                Map.entry("tags", AttributeValue.fromSs(List.of("a", "b"))),
                Map.entry("scores", AttributeValue.fromNs(List.of("1", "2.5"))),
                Map.entry("blobs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {7})))),
                Map.entry("address", AttributeValue.fromM(Map.of("city", AttributeValue.fromS("Oslo")))),
                Map.entry("history", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromS("x")))));
        table.client().putItem(put -> put.tableName(table.name()).item(item));
        table.client().updateItem(update -> update.tableName(table.name())
                .key(Map.of("id", AttributeValue.fromS("u1"), "createdAt", AttributeValue.fromN("1764000000000")))
                .updateExpression("SET email = :e").expressionAttributeValues(Map.of(":e", AttributeValue.fromS("c@d.co"))));
        table.client().deleteItem(delete -> delete.tableName(table.name())
                .key(Map.of("id", AttributeValue.fromS("u1"), "createdAt", AttributeValue.fromN("1764000000000"))));
        records = table.readAllRecords();
        event = LocalTestSupport.lambdaDeserialize(
                StreamEventPayloads.event(records, table.streamArn(), "eu-west-1").toString());
    }

    @AfterAll
    static void stop() {
        table.close();
    }

    @Test
    void carriesEveryRecordInOrder() {
        assertEquals(3, event.getRecords().size());
        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"),
                event.getRecords().stream().map(DynamodbEvent.DynamodbStreamRecord::getEventName).toList());
    }

    @Test
    void carriesTheRecordEnvelope() {
        for (int i = 0; i < records.size(); i++) {
            Record sdk = records.get(i);
            DynamodbEvent.DynamodbStreamRecord lambda = event.getRecords().get(i);
            assertEquals(sdk.eventID(), lambda.getEventID());
            assertEquals(sdk.eventVersion(), lambda.getEventVersion());
            assertEquals("aws:dynamodb", lambda.getEventSource());
            assertEquals("eu-west-1", lambda.getAwsRegion());
            assertEquals(table.streamArn(), lambda.getEventSourceARN());
            assertEquals(sdk.dynamodb().sequenceNumber(), lambda.getDynamodb().getSequenceNumber());
            assertEquals(sdk.dynamodb().sizeBytes(), lambda.getDynamodb().getSizeBytes());
            assertEquals("NEW_AND_OLD_IMAGES", lambda.getDynamodb().getStreamViewType());
            assertEquals(Map.of("id", "u1", "createdAt", "1764000000000"), Map.of(
                    "id", lambda.getDynamodb().getKeys().get("id").getS(),
                    "createdAt", lambda.getDynamodb().getKeys().get("createdAt").getN()));
        }
    }

    @Test
    void deliversTheTrueCreationTimeInSeconds() {
        Instant delivered = event.getRecords().get(0).getDynamodb().getApproximateCreationDateTime().toInstant();
        assertTrue(Duration.between(delivered, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0,
                "the engine reported " + records.get(0).dynamodb().approximateCreationDateTime() + ", delivered " + delivered);
    }

    @Test
    void carriesEveryAttributeTypeOfTheNewImage() {
        var image = event.getRecords().get(0).getDynamodb().getNewImage();
        assertEquals("a@b.co", image.get("email").getS());
        assertEquals("0.25", image.get("ratio").getN());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}), image.get("avatar").getB());
        assertEquals(true, image.get("active").getBOOL());
        assertEquals(true, image.get("nothing").getNULL());
        assertEquals(List.of("a", "b"), image.get("tags").getSS());
        assertEquals(List.of("1", "2.5"), image.get("scores").getNS());
        assertEquals(List.of(ByteBuffer.wrap(new byte[] {7})), image.get("blobs").getBS());
        assertEquals("Oslo", image.get("address").getM().get("city").getS());
        assertEquals("1", image.get("history").getL().get(0).getN());
        assertEquals("x", image.get("history").getL().get(1).getS());
        assertNull(event.getRecords().get(0).getDynamodb().getOldImage());
    }

    @Test
    void carriesBothImagesOfAModifyAndTheOldImageOfARemove() {
        var modify = event.getRecords().get(1).getDynamodb();
        assertEquals("a@b.co", modify.getOldImage().get("email").getS());
        assertEquals("c@d.co", modify.getNewImage().get("email").getS());
        var remove = event.getRecords().get(2).getDynamodb();
        assertEquals("c@d.co", remove.getOldImage().get("email").getS());
        assertNull(remove.getNewImage());
    }

    @Test
    void marksTimeToLiveRemovalsAsLambdaDoes() {
        try (LocalTestSupport.Table expiring = LocalTestSupport.streamTable()) {
            long lastMinute = Instant.now().minus(Duration.ofMinutes(1)).getEpochSecond();
            expiring.client().putItem(put -> put.tableName(expiring.name()).item(Map.of(
                    "id", AttributeValue.fromS("gone"), "createdAt", AttributeValue.fromN("1764000000000"),
                    "deleteAt", AttributeValue.fromN(Long.toString(lastMinute)))));
            assertEquals(1, expiring.expireNow());
            DynamodbEvent marked = LocalTestSupport.lambdaDeserialize(
                    StreamEventPayloads.event(expiring.readAllRecords(), expiring.streamArn(), "eu-west-1").toString());
            assertEquals("REMOVE", marked.getRecords().get(1).getEventName());
            var identity = marked.getRecords().get(1).getUserIdentity();
            assertEquals("Service", identity.getType());
            assertEquals("dynamodb.amazonaws.com", identity.getPrincipalId());
            assertNull(marked.getRecords().get(0).getUserIdentity(), "a put by a user carries no identity");
        }
    }

    @Test
    void feedsTheStreamHandlerWhichLogsTheChange() {
        var handled = new java.util.ArrayList<dev.usersapi.stream.Change>();
        var handler = new dev.usersapi.stream.UserStreamHandler(handled::add,
                new dev.usersapi.log.JsonLines(new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
        StreamsEventResponse response = handler.handleRequest(event, null);
        assertTrue(response.getBatchItemFailures().isEmpty());
        assertEquals(3, handled.size());
        var change = handled.get(1).differences().get("email");
        assertEquals(java.util.Optional.of("a@b.co"), change.before());
        assertEquals(java.util.Optional.of("c@d.co"), change.after());
    }
}
