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

    private static List<String> ids(List<Record> records) {
        return records.stream().map(r -> r.dynamodb().keys().get("id").s()).toList();
    }

    private List<String> listed() {
        return streams.listStreams(l -> l.tableName("users")).streams().stream().map(s -> s.streamArn()).toList();
    }

    private String status(String arn) {
        return streams.describeStream(d -> d.streamArn(arn)).streamDescription().streamStatusAsString();
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
        assertEquals("ValidationException: 1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1", refusal(() -> streams.getRecords(g -> g.shardIterator(second.nextShardIterator()).limit(0))));
        assertEquals("ValidationException: 1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
                + "Member must have value less than or equal to 1000", refusal(() -> streams.getRecords(g -> g.shardIterator(second.nextShardIterator()).limit(1001))));
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

    private String streamedTable(String name) {
        return dynamo.createTable(t -> t.tableName(name).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S")).keySchema(k -> k.attributeName("id").keyType("HASH"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY))).tableDescription().latestStreamArn();
    }

    private String refusal(Runnable request) {
        var refused = assertThrows(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class, request::run);
        return refused.awsErrorDetails().errorCode() + ": " + refused.awsErrorDetails().errorMessage();
    }

    /** API reference, ListStreams: Limit ("The upper limit is 100"), ExclusiveStartStreamArn, LastEvaluatedStreamArn. */
    @Test
    void listStreamsPagesByLimitFromExclusiveStartStreamArnUntilNoLastEvaluatedStreamArn() {
        List<String> arns = java.util.stream.Stream.of("events", "orders", "users").map(this::streamedTable).toList();
        var first = streams.listStreams(l -> l.limit(2));
        assertEquals(arns.subList(0, 2), first.streams().stream().map(s -> s.streamArn()).toList());
        assertEquals(arns.get(1), first.lastEvaluatedStreamArn());
        var second = streams.listStreams(l -> l.limit(2).exclusiveStartStreamArn(first.lastEvaluatedStreamArn()));
        assertEquals(arns.subList(2, 3), second.streams().stream().map(s -> s.streamArn()).toList());
        assertEquals(null, second.lastEvaluatedStreamArn(), "the last page names no stream to go on from");
        assertEquals("ValidationException: 1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
                + "Member must have value less than or equal to 100", refusal(() -> streams.listStreams(l -> l.limit(101))));
        assertEquals("ValidationException: 1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1", refusal(() -> streams.listStreams(l -> l.limit(0))));
    }

    /**
     * API reference, UpdateTable: "You receive a ValidationException if you try to enable a stream
     * on a table that already has a stream, or if you try to disable a stream on a table that
     * doesn't have a stream"; the messages as DynamoDB gives them (ack-api-quirks, DDB-TABLE-050).
     */
    @Test
    void aStreamIsSwitchedOnOrOffNeverTwiceNorChangedInPlace() {
        table(StreamViewType.NEW_IMAGE);
        assertEquals("ValidationException: Table already has an enabled stream: TableName: users",
                refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")))));
        assertEquals("ValidationException: Table already has an enabled stream: TableName: users", refusal(() -> dynamo.updateTable(u -> u
                .tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")))), "no change of view type in place");
        assertEquals("ValidationException: One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified",
                refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false).streamViewType("KEYS_ONLY")))));
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        assertEquals(null, dynamo.describeTable(d -> d.tableName("users")).table().streamSpecification(), "a disabled stream's table has no specification");
        assertEquals("ValidationException: Table has no stream to disable: TableName: users",
                refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)))));
        assertEquals("ValidationException: One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required",
                refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true)))));
        assertEquals("ValidationException: 1 validation error detected: Value 'new_image' at 'streamSpecification.streamViewType' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, NEW_AND_OLD_IMAGES, NEW_IMAGE]",
                refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("new_image")))));
        assertEquals("ValidationException: 1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: "
                + "Member must not be null", refusal(() -> dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamViewType("NEW_IMAGE")))));
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
        assertEquals("NEW_AND_OLD_IMAGES", dynamo.describeTable(d -> d.tableName("users")).table().streamSpecification().streamViewTypeAsString());
    }

    /** The same rules at CreateTable (ack-api-quirks, DDB-TABLE-035). */
    @Test
    void aTableIsCreatedWithAStreamOnAndAViewTypeOrOffAndNone() {
        java.util.function.Function<software.amazon.awssdk.services.dynamodb.model.StreamSpecification, String> create = specification -> refusal(() ->
                dynamo.createTable(t -> t.tableName("users").billingMode("PAY_PER_REQUEST").attributeDefinitions(d -> d.attributeName("id").attributeType("S"))
                        .keySchema(k -> k.attributeName("id").keyType("HASH")).streamSpecification(specification)));
        assertEquals("ValidationException: One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified",
                create.apply(software.amazon.awssdk.services.dynamodb.model.StreamSpecification.builder().streamEnabled(false).streamViewType("NEW_IMAGE").build()));
        assertEquals("ValidationException: One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required",
                create.apply(software.amazon.awssdk.services.dynamodb.model.StreamSpecification.builder().streamEnabled(true).build()));
        assertTrue(dynamo.listTables().tableNames().isEmpty(), "nothing was created");
    }

    /**
     * Developer guide, "Change data capture for DynamoDB Streams": "If you disable a stream, any
     * shards that are open will be closed. The data in the stream will continue to be readable for
     * 24 hours."
     */
    @Test
    void disablingAStreamClosesItsOpenShardWhichIsReadToItsEnd() {
        String arn = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        put("b", "Bo");
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        var shard = streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards().get(0);
        var read = streams.getRecords(g -> g.shardIterator(iterator(arn, ShardIteratorType.TRIM_HORIZON)));
        assertEquals(List.of("a", "b"), read.records().stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        assertEquals(read.records().get(1).dynamodb().sequenceNumber(), shard.sequenceNumberRange().endingSequenceNumber(), "the closed shard says where it ends");
        assertEquals(null, read.nextShardIterator(), "a closed shard read to its end gives no next iterator");
    }

    /**
     * A disabled stream's records stay readable for 24 hours after each was written; the stream
     * is gone 24 hours after it was disabled, as a replaced one is, while DescribeTable still
     * names it as the table's latest.
     */
    @Test
    void aDisabledStreamsRecordsAreReadable24HoursAfterTheirWriteAndTheStreamGoes24HoursAfterItsDisabling() {
        String arn = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        clock.advance(Duration.ofHours(3));
        put("b", "Bo");
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        clock.advance(Duration.ofHours(22));
        assertEquals(List.of("b"), ids(all(arn)), "a, written 25 hours ago, is trimmed; b, 22 hours ago, is not");
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(), listed());
        assertThrows(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class, () -> status(arn));
        assertEquals(arn, dynamo.describeTable(d -> d.tableName("users")).table().latestStreamArn());
    }

    /**
     * API reference, DeleteTable: "If you have DynamoDB Streams enabled on the table, then the
     * corresponding stream on that table goes into the DISABLED state, and the stream is
     * automatically deleted after 24 hours." Until then it is listed, described with its table's
     * key and its shard closed, and read to its end; each record is trimmed 24 hours after its write.
     */
    @Test
    void aDeletedTablesStreamIsDisabledListedAndReadableUntil24HoursAfterTheDelete() {
        String arn = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        clock.advance(Duration.ofHours(3));
        put("b", "Bo");
        dynamo.deleteTable(d -> d.tableName("users"));
        assertEquals(List.of(arn), listed());
        var description = streams.describeStream(d -> d.streamArn(arn)).streamDescription();
        assertEquals("DISABLED", description.streamStatusAsString());
        assertEquals("users", description.tableName());
        assertEquals("id", description.keySchema().get(0).attributeName());
        var read = streams.getRecords(g -> g.shardIterator(iterator(arn, ShardIteratorType.TRIM_HORIZON)));
        assertEquals(List.of("a", "b"), ids(read.records()));
        assertEquals(read.records().get(1).dynamodb().sequenceNumber(), description.shards().get(0).sequenceNumberRange().endingSequenceNumber());
        assertEquals(null, read.nextShardIterator(), "its shard is closed: read to its end, no next iterator");
        clock.advance(Duration.ofHours(22));
        assertEquals(List.of("b"), ids(all(arn)), "a, written 25 hours ago, is trimmed; b, 22 hours ago, is not");
        clock.advance(Duration.ofHours(2));
        assertEquals(List.of(), streams.listStreams(l -> l.limit(100)).streams());
        assertThrows(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class, () -> status(arn));
    }

    /**
     * A stream's label is its creation time to the millisecond (ISO 8601, the ARN's last part); a
     * table made again, or a stream enabled again, within the same millisecond gets a later label
     * and so a stream of its own, not the ARN of the one still kept.
     */
    @Test
    void streamsMadeWithinOneMillisecondHaveLabelsThatRiseAndArnsOfTheirOwn() {
        String first = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        dynamo.deleteTable(d -> d.tableName("users"));
        String second = table(StreamViewType.KEYS_ONLY);
        put("b", "Bo");
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        String third = dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("KEYS_ONLY")))
                .tableDescription().latestStreamArn();
        put("c", "Cy");
        assertEquals(List.of(first, second, third), listed(), "three streams, listed in the order they were made");
        List<String> labels = streams.listStreams(l -> l.tableName("users")).streams().stream().map(s -> s.streamLabel()).toList();
        assertEquals(3, labels.stream().distinct().count());
        labels.forEach(label -> assertTrue(label.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}"), label));
        assertTrue(labels.get(0).compareTo(labels.get(1)) < 0 && labels.get(1).compareTo(labels.get(2)) < 0, labels.toString());
        assertEquals(List.of("DISABLED", "DISABLED", "ENABLED"), List.of(status(first), status(second), status(third)));
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), List.of(ids(all(first)), ids(all(second)), ids(all(third))));
    }

    /**
     * Re-enabling makes a new stream (a new ARN and label); the one it replaces stays listable and
     * readable, DISABLED, for 24 hours (developer guide: the data of a disabled stream "will
     * continue to be readable for 24 hours"; ack-api-quirks, DDB-TABLE-050: "Old stream DescribeStream: status DISABLED").
     */
    @Test
    void reEnablingMakesANewStreamAndTheOldStaysReadableDisabledFor24Hours() {
        String first = table(StreamViewType.KEYS_ONLY);
        put("a", "Ada");
        dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(false)));
        clock.advance(Duration.ofSeconds(1));
        String second = dynamo.updateTable(u -> u.tableName("users").streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")))
                .tableDescription().latestStreamArn();
        assertFalse(first.equals(second), "a new stream");
        put("b", "Bo");
        assertEquals(List.of(first, second), streams.listStreams(l -> l.tableName("users")).streams().stream().map(s -> s.streamArn()).toList());
        assertEquals("DISABLED", streams.describeStream(d -> d.streamArn(first)).streamDescription().streamStatusAsString());
        assertEquals("ENABLED", streams.describeStream(d -> d.streamArn(second)).streamDescription().streamStatusAsString());
        assertEquals(List.of("a"), all(first).stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        assertEquals(List.of("b"), all(second).stream().map(r -> r.dynamodb().keys().get("id").s()).toList());
        clock.advance(Duration.ofHours(24));
        assertEquals(List.of(second), streams.listStreams(l -> l.tableName("users")).streams().stream().map(s -> s.streamArn()).toList());
        assertThrows(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class,
                () -> streams.describeStream(d -> d.streamArn(first)));
    }
}
