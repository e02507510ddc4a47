package dev.usersapi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.InProcessHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Streams in the engine, read through the SDK's own DynamoDbStreamsClient, each test
 * named after the rule of the developer guide ("Change data capture for DynamoDB Streams") or
 * the Streams API reference it holds. dynalite has no Streams, so these are the oracle.
 */
class StreamRulesTest {
    private final MutableClock clock = new MutableClock();
    private DynamoDbClient dynamo;
    private DynamoDbStreamsClient streams;

    @BeforeEach
    void engine() {
        DynamoDbEngine engine = new DynamoDbEngine(clock);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"));
        URI endpoint = URI.create("http://engine.local");
        dynamo = DynamoDbClient.builder().httpClient(new InProcessHttpClient(engine)).endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        streams = DynamoDbStreamsClient.builder().httpClient(new InProcessHttpClient(engine)).endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
    }

    private String table(StreamViewType view) {
        return dynamo.createTable(t -> t.tableName("users").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S")).keySchema(k -> k.attributeName("id").keyType("HASH"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(view))).tableDescription().latestStreamArn();
    }

    private void put(String id, String name) {
        dynamo.putItem(p -> p.tableName("users").item(Map.of("id", AttributeValue.fromS(id), "name", AttributeValue.fromS(name))));
    }

    private String iterator(String arn, ShardIteratorType type) {
        String shard = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards().get(0).shardId();
        return streams.getShardIterator(g -> g.streamArn(arn).shardId(shard).shardIteratorType(type)).shardIterator();
    }

    private List<Record> all(String arn) {
        return streams.getRecords(g -> g.shardIterator(iterator(arn, ShardIteratorType.TRIM_HORIZON))).records();
    }

    @Test
    void eachChangeMakesOneRecordInOrderWithTheImagesItsViewTypeAsksFor() {
        String arn = table(StreamViewType.NEW_AND_OLD_IMAGES);
        put("a", "Ada");
        put("a", "Ada Lovelace");
        dynamo.deleteItem(d -> d.tableName("users").key(Map.of("id", AttributeValue.fromS("a"))));
        List<Record> records = all(arn);
        assertEquals(List.of(OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE), records.stream().map(Record::eventName).toList());
        assertFalse(records.get(0).dynamodb().hasOldImage());
        assertEquals("Ada", records.get(1).dynamodb().oldImage().get("name").s());
        assertEquals("Ada Lovelace", records.get(1).dynamodb().newImage().get("name").s());
        assertFalse(records.get(2).dynamodb().hasNewImage());
        assertEquals(Map.of("id", AttributeValue.fromS("a")), records.get(2).dynamodb().keys());
        assertTrue(records.get(0).dynamodb().sequenceNumber().compareTo(records.get(1).dynamodb().sequenceNumber()) < 0, "sequence numbers increase");
        assertEquals("aws:dynamodb", records.get(0).eventSource());
    }

    @Test
    void aPutThatChangesNothingMakesNoStreamRecord() {
        String arn = table(StreamViewType.NEW_IMAGE);
        put("a", "Ada");
        put("a", "Ada");
        assertEquals(1, all(arn).size());
    }

    @Test
    void aDeleteOfNothingAndAFailedConditionMakeNoRecord() {
        String arn = table(StreamViewType.NEW_IMAGE);
        dynamo.deleteItem(d -> d.tableName("users").key(Map.of("id", AttributeValue.fromS("nobody"))));
        put("a", "Ada");
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(p -> p.tableName("users")
                .item(Map.of("id", AttributeValue.fromS("a"), "name", AttributeValue.fromS("Bo"))).conditionExpression("attribute_not_exists(id)")));
        assertEquals(1, all(arn).size());
    }

    @Test
    void keysOnlyRecordsCarryTheKeysAlone() {
        String arn = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        Record record = all(arn).get(0);
        assertFalse(record.dynamodb().hasNewImage());
        assertFalse(record.dynamodb().hasOldImage());
        assertEquals(StreamViewType.KEYS_ONLY, record.dynamodb().streamViewType());
    }

    @Test
    void aLatestIteratorSeesOnlyLaterRecordsAndAfterSequenceNumberResumesAfterOne() {
        String arn = table(StreamViewType.NEW_IMAGE);
        put("a", "Ada");
        String latest = iterator(arn, ShardIteratorType.LATEST);
        put("b", "Bo");
        put("c", "Cy");
        List<Record> later = streams.getRecords(g -> g.shardIterator(latest)).records();
        assertEquals(List.of("b", "c"), later.stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        String shard = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards().get(0).shardId();
        String afterB = streams.getShardIterator(g -> g.streamArn(arn).shardId(shard).shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                .sequenceNumber(later.get(0).dynamodb().sequenceNumber())).shardIterator();
        assertEquals("c", streams.getRecords(g -> g.shardIterator(afterB)).records().get(0).dynamodb().keys().get("id").s());
    }

    @Test
    void getRecordsHonoursItsLimitAndItsNextIteratorGoesOn() {
        String arn = table(StreamViewType.NEW_IMAGE);
        for (int i = 0; i < 5; i++) {
            put("u" + i, "User " + i);
        }
        var first = streams.getRecords(g -> g.shardIterator(iterator(arn, ShardIteratorType.TRIM_HORIZON)).limit(2));
        var second = streams.getRecords(g -> g.shardIterator(first.nextShardIterator()).limit(10));
        assertEquals(2, first.records().size());
        assertEquals(3, second.records().size());
    }

    @Test
    void anIteratorExpiresFifteenMinutesAfterItWasIssued() {
        String arn = table(StreamViewType.NEW_IMAGE);
        String iterator = iterator(arn, ShardIteratorType.TRIM_HORIZON);
        clock.advance(Duration.ofMinutes(16));
        assertThrows(ExpiredIteratorException.class, () -> streams.getRecords(g -> g.shardIterator(iterator)));
    }

    @Test
    void recordsOlderThan24HoursAreTrimmedAndReadingThemIsTrimmedDataAccess() {
        String arn = table(StreamViewType.NEW_IMAGE);
        put("old", "Old");
        String intoOld = iterator(arn, ShardIteratorType.TRIM_HORIZON);
        String oldSequence = all(arn).get(0).dynamodb().sequenceNumber();
        clock.advance(Duration.ofHours(25));
        put("new", "New");
        assertEquals(List.of("new"), all(arn).stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        // The old iterator has also expired by then; a fresh one at the old position is what meets the trim.
        assertThrows(ExpiredIteratorException.class, () -> streams.getRecords(g -> g.shardIterator(intoOld)));
        String shard = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards().get(0).shardId();
        assertThrows(TrimmedDataAccessException.class, () -> streams.getShardIterator(g -> g.streamArn(arn).shardId(shard)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(oldSequence)));
    }

    @Test
    void describeTableNamesTheLatestStreamAndADisabledStreamRecordsNothingMore() {
        String arn = table(StreamViewType.NEW_IMAGE);
        assertEquals(arn, dynamo.describeTable(d -> d.tableName("users")).table().latestStreamArn());
        assertEquals(List.of(arn), streams.listStreams(l -> l.tableName("users")).streams().stream().map(s -> s.streamArn()).toList());
        put("a", "Ada");
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        put("b", "Bo");
        assertEquals("DISABLED", streams.describeStream(d -> d.streamArn(arn)).streamDescription().streamStatusAsString());
        assertEquals(1, all(arn).size(), "the disabled stream is still readable, and recorded nothing after");
    }

    @Test
    void aShardClosesAfterAboutFourHoursAndItsChildTakesTheNextChanges() {
        String arn = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        clock.advance(Duration.ofHours(4).plusSeconds(1));
        put("b", "Bob");
        put("c", "Cy");
        var shards = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards();
        assertEquals(2, shards.size());
        var parent = shards.get(0);
        var child = shards.get(1);
        assertEquals(parent.shardId(), child.parentShardId(), "the child names its parent");
        assertEquals(parent.sequenceNumberRange().startingSequenceNumber(), parent.sequenceNumberRange().endingSequenceNumber(),
                "the closed parent holds one record and says where it ends");
        assertEquals(null, child.sequenceNumberRange().endingSequenceNumber(), "the open child has no end");

        var fromParent = streams.getRecords(g -> g.shardIterator(streams.getShardIterator(i -> i.streamArn(arn).shardId(parent.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()));
        assertEquals(List.of("a"), fromParent.records().stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        assertEquals(null, fromParent.nextShardIterator(), "a closed shard read to its end gives no next iterator");
        var fromChild = streams.getRecords(g -> g.shardIterator(streams.getShardIterator(i -> i.streamArn(arn).shardId(child.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()));
        assertEquals(List.of("b", "c"), fromChild.records().stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        assertTrue(fromChild.nextShardIterator() != null, "an open shard always gives one");
    }

    @Test
    void aShardWithNoChangeStaysOpenHoweverOld() {
        String arn = table(StreamViewType.KEYS_ONLY);
        clock.advance(Duration.ofHours(5));
        put("a", "Ada");
        assertEquals(1, streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards().size());
    }
}
