package dev.usersapi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.local.streams.FailureReplay;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The replay reads a failed range in the pages DynamoDB Streams may give, which the engine never
 * does: GetRecords "returns an empty list" where no record is in the portion of the shard the
 * iterator points to, and "it might take multiple calls to get to a portion of the shard that
 * contains stream records" (API reference, GetRecords). The range is read through its last record
 * or not replayed at all: a batch handed on with part of its records would have its message
 * deleted and the rest lost.
 */
class FailureReplayPagesTest {
    private static final String ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-01-01T00:00:00.000";
    private static final FailureReplay.FailedBatch BATCH = new FailureReplay.FailedBatch(ARN, "shardId-1", "101", "103", 3, Optional.empty());

    @Test
    void emptyPagesAreReadPastUntilTheRangesLastRecord() {
        var replay = reread(page -> switch (page) {
            case 0, 2, 3 -> List.of();
            case 1 -> List.of(record(101));
            default -> List.of(record(102), record(103), record(104));
        }, true);
        assertEquals(Optional.empty(), replay.lost());
        assertEquals(List.of("101", "102", "103"), replay.records().stream().map(record -> record.dynamodb().sequenceNumber()).toList());
    }

    @Test
    void aRangeNotReadThroughItsLastRecordIsNotReplayed() {
        // The shard ends (no next iterator) after part of the range.
        assertTrue(reread(page -> page == 0 ? List.of(record(101), record(102)) : List.of(), false).lost().orElseThrow()
                .contains("not read whole"));
        // An open shard that keeps answering empty pages after part of the range.
        var replay = reread(page -> page == 0 ? List.of(record(101)) : List.of(), true);
        assertTrue(replay.lost().orElseThrow().contains("not read whole"), replay.lost().orElseThrow());
        assertEquals(List.of(), replay.records());
    }

    @Test
    void anIteratorThatExpiredMidRangeIsReportedNotCalledTrimmed() {
        var replay = new FailureReplay(new Pages(page -> {
            throw ExpiredIteratorException.builder().message("Iterator expired").build();
        }, true), "eu-west-1").reread(BATCH);
        assertTrue(replay.lost().orElseThrow().contains("expired"), replay.lost().orElseThrow());
        assertTrue(!replay.lost().orElseThrow().contains("retention"), replay.lost().orElseThrow());
    }

    private static FailureReplay.Replay reread(IntFunction<List<Record>> pages, boolean open) {
        return new FailureReplay(new Pages(pages, open), "eu-west-1").reread(BATCH);
    }

    private static Record record(long sequence) {
        return Record.builder().eventID("e" + sequence).eventName("INSERT")
                .dynamodb(StreamRecord.builder().sequenceNumber(Long.toString(sequence)).build()).build();
    }

    /** A shard whose iterators are page numbers; an open shard always names a next page, a closed one none after its last. */
    private record Pages(IntFunction<List<Record>> pages, boolean open) implements DynamoDbStreamsClient {
        private static final int CLOSED_AFTER = 1;

        @Override
        public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            return GetShardIteratorResponse.builder().shardIterator("0").build();
        }

        @Override
        public GetRecordsResponse getRecords(GetRecordsRequest request) {
            int page = Integer.parseInt(request.shardIterator());
            boolean next = open ? page < 100 : page < CLOSED_AFTER;
            return GetRecordsResponse.builder().records(pages.apply(page)).nextShardIterator(next ? Integer.toString(page + 1) : null).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }
}
