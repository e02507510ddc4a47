package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.stream.TableStream;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.value.AttributeValues;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The DynamoDB Streams API on the engine's endpoint ({@code X-Amz-Target:
 * DynamoDBStreams_20120810.<Operation>}): ListStreams, DescribeStream, GetShardIterator and
 * GetRecords, as its API reference defines them. Shard iterators expire after 15 minutes.
 */
final class StreamOperations {
    static final String TARGET_PREFIX = "DynamoDBStreams_20120810.";
    private static final Duration ITERATOR_LIFETIME = Duration.ofMinutes(15);

    private final TableOperations tables;
    private final Clock clock;

    StreamOperations(TableOperations tables, Clock clock) {
        this.tables = tables;
        this.clock = clock;
    }

    ObjectNode dispatch(String operation, JsonNode request) {
        return switch (operation) {
            case "ListStreams" -> list(request);
            case "DescribeStream" -> describe(request);
            case "GetShardIterator" -> iterator(request);
            case "GetRecords" -> records(request);
            default -> throw new DynamoDbException("UnknownOperationException", null, 400);
        };
    }

    private TableOperations.KeptStream kept(String arn) {
        return tables.stream(arn).orElseThrow(() -> DynamoDbException.notFound("Requested resource not found: Stream: " + arn + " not found"));
    }

    private TableStream stream(String arn) {
        return kept(arn).stream();
    }

    /**
     * ListStreams, a page at a time in ARN order (API reference, ListStreams): Limit 1 to 100 (the
     * default), from just after ExclusiveStartStreamArn; LastEvaluatedStreamArn names the page's
     * last stream when another follows, and the next page starts after it.
     */
    private ObjectNode list(JsonNode request) {
        new Constraints().range(request.get("Limit"), "limit", 1, 100).length(request.get("ExclusiveStartStreamArn"), "exclusiveStartStreamArn", 37, 1024)
                .name(request.get("TableName"), "tableName").check();
        Optional<String> table = Requests.optionalString(request, "TableName");
        Optional<String> start = Requests.optionalString(request, "ExclusiveStartStreamArn");
        int limit = request.path("Limit").asInt(100);
        java.util.TreeMap<String, ObjectNode> listed = new java.util.TreeMap<>();
        // A deleted table's stream is listed under its name until it is gone (RetiredStreams).
        tables.streams().stream().filter(kept -> table.map(kept.tableName()::equals).orElse(true))
                .forEach(kept -> listed.put(kept.stream().arn(), JsonTrees.object().put("StreamArn", kept.stream().arn())
                        .put("TableName", kept.tableName()).put("StreamLabel", kept.stream().label())));
        ObjectNode answer = JsonTrees.object();
        ArrayNode streams = answer.putArray("Streams");
        for (ObjectNode stream : start.map(arn -> listed.tailMap(arn, false)).orElse(listed).values()) {
            if (streams.size() == limit) {
                answer.put("LastEvaluatedStreamArn", streams.get(streams.size() - 1).path("StreamArn").asText());
                break;
            }
            streams.add(stream);
        }
        return answer;
    }

    private ObjectNode describe(JsonNode request) {
        String arn = Requests.string(request, "StreamArn");
        TableOperations.KeptStream kept = kept(arn);
        TableStream stream = kept.stream();
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = answer.putObject("StreamDescription");
        description.put("StreamArn", stream.arn()).put("StreamLabel", stream.label())
                .put("StreamStatus", kept.enabled() ? "ENABLED" : "DISABLED")
                .put("StreamViewType", stream.viewType()).put("CreationRequestDateTime", stream.created().toEpochMilli() / 1000.0)
                .put("TableName", kept.tableName());
        ArrayNode key = description.putArray("KeySchema");
        key.addObject().put("AttributeName", kept.hashName()).put("KeyType", "HASH");
        kept.rangeName().ifPresent(range -> key.addObject().put("AttributeName", range).put("KeyType", "RANGE"));
        ArrayNode shards = description.putArray("Shards");
        Optional<String> exclusiveStart = Optional.ofNullable(request.path("ExclusiveStartShardId").textValue());
        boolean listing = exclusiveStart.isEmpty();
        for (TableStream.Shard each : stream.shards()) {
            if (!listing) {
                listing = each.id().equals(exclusiveStart.get());
                continue;
            }
            ObjectNode shard = shards.addObject();
            each.parentId().ifPresent(parent -> shard.put("ParentShardId", parent));
            shard.put("ShardId", each.id());
            ObjectNode range = shard.putObject("SequenceNumberRange");
            long first = stream.firstPosition(each);
            // An open shard with no record yet starts where its first record will.
            range.put("StartingSequenceNumber", stream.sequenceAt(first).orElse(dev.usersapi.engine.stream.TableStream.sequenceNumber(first + 1)));
            // A shard closed before its first record (a stream disabled with no change) has no last record to name.
            each.end().ifPresent(end -> {
                if (end > first) {
                    stream.sequenceAt(end - 1).ifPresent(last -> range.put("EndingSequenceNumber", last));
                }
            });
        }
        return answer;
    }

    /** An iterator names the stream, the shard, a position in it, and when it was issued. */
    private record Iterator(String arn, String shardId, long position, Instant issued) {
        String token() {
            String text = arn + "|" + shardId + "|" + position + "|" + issued.toEpochMilli();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Iterator parse(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                return new Iterator(parts[0], parts[1], Long.parseLong(parts[2]), Instant.ofEpochMilli(Long.parseLong(parts[3])));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw DynamoDbException.validation("Invalid ShardIterator");
            }
        }
    }

    private ObjectNode iterator(JsonNode request) {
        String arn = Requests.string(request, "StreamArn");
        TableStream stream = stream(arn);
        String shardId = Requests.string(request, "ShardId");
        TableStream.Shard shard = stream.shard(shardId)
                .orElseThrow(() -> DynamoDbException.notFound("Requested resource not found: Shard does not exist"));
        String type = Requests.string(request, "ShardIteratorType");
        long position = switch (type) {
            case "TRIM_HORIZON" -> stream.firstPosition(shard);
            case "LATEST" -> stream.endPosition(shard);
            case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
                String sequence = Requests.string(request, "SequenceNumber");
                long at = stream.positionOf(shard, sequence).orElseThrow(() -> new DynamoDbException("TrimmedDataAccessException",
                        "The requested sequence number " + sequence + " is beyond the trim horizon or not in this shard", 400));
                yield type.equals("AT_SEQUENCE_NUMBER") ? at : at + 1;
            }
            default -> throw DynamoDbException.validation("1 validation error detected: Value '" + type
                    + "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]");
        };
        ObjectNode answer = JsonTrees.object();
        answer.put("ShardIterator", new Iterator(arn, shardId, position, clock.instant()).token());
        return answer;
    }

    private ObjectNode records(JsonNode request) {
        Iterator iterator = Iterator.parse(Requests.string(request, "ShardIterator"));
        Instant now = clock.instant();
        if (iterator.issued().plus(ITERATOR_LIFETIME).isBefore(now)) {
            throw new DynamoDbException("ExpiredIteratorException", "Iterator expired. The iterator was created at time "
                    + iterator.issued() + " while right now it is " + now + ".", 400);
        }
        TableStream stream = stream(iterator.arn());
        // API reference, GetRecords: Limit 1 to 1000 (the default).
        new Constraints().range(request.get("Limit"), "limit", 1, 1000).check();
        int limit = request.path("Limit").asInt(1000);
        TableStream.Page page = stream.read(iterator.shardId(), iterator.position(), limit).orElseThrow(() -> new DynamoDbException(
                "TrimmedDataAccessException", "The operation attempted to read past the oldest stream record in a shard.", 400));
        List<TableStream.Record> read = page.records();
        ObjectNode answer = JsonTrees.object();
        ArrayNode records = answer.putArray("Records");
        for (TableStream.Record record : read) {
            ObjectNode json = records.addObject().put("eventID", record.eventId()).put("eventName", record.eventName())
                    .put("eventVersion", "1.1").put("eventSource", "aws:dynamodb").put("awsRegion", "us-east-1");
            ObjectNode change = json.putObject("dynamodb");
            change.put("ApproximateCreationDateTime", record.created().getEpochSecond());
            change.set("Keys", AttributeValues.write(record.keys()));
            record.newImage().ifPresent(image -> change.set("NewImage", AttributeValues.write(image)));
            record.oldImage().ifPresent(image -> change.set("OldImage", AttributeValues.write(image)));
            change.put("SequenceNumber", record.sequenceNumber()).put("SizeBytes", record.sizeBytes()).put("StreamViewType", record.viewType());
            record.userIdentity().ifPresent(principal -> json.putObject("userIdentity").put("PrincipalId", principal).put("Type", "Service"));
        }
        // A closed shard read to its end gives no next iterator: the reader goes on with its child.
        if (!page.shardEnded()) {
            answer.put("NextShardIterator", new Iterator(iterator.arn(), iterator.shardId(), iterator.position() + read.size(), now).token());
        }
        return answer;
    }
}
