package dev.usersapi.local.streams;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Replays batches the stream consumer gave up on. A failure record (a line of the local stack's
 * {@code stream-failures.jsonl}, or the body of a message of the cloud's SQS failure queue: both
 * carry Lambda's {@code DDBStreamBatchInfo}) names only a shard and a range of sequence numbers,
 * not the records; this re-reads that range from the stream while the stream still keeps it (24
 * hours from each write) and builds the event Lambda would have delivered, for the stream
 * function to be invoked with again. The stream function applies each change idempotently (by
 * event id), so a record replayed twice does no harm.
 *
 * <pre>
 * java -cp users-api-local.jar dev.usersapi.local.streams.FailureReplay --failures FILE --out DIR [--endpoint URL] [--region R]
 * </pre>
 * writes DIR/N.event.json per batch (and DIR/N.receipt with the SQS receipt handle, when the input
 * is {@code aws sqs receive-message} output). {@code bin/replay-stream-failures} wraps it.
 */
public final class FailureReplay {
    /** A failed batch as Lambda describes it: the stream, the shard, and the first and last sequence number. */
    public record FailedBatch(String streamArn, String shardId, String startSequenceNumber, String endSequenceNumber, int batchSize,
                              Optional<String> receiptHandle) {}

    /** A batch re-read: the event to deliver, or why it cannot be replayed any more. */
    public record Replay(FailedBatch batch, List<Record> records, Optional<String> lost) {}

    private final DynamoDbStreamsClient streams;

    public FailureReplay(DynamoDbStreamsClient streams) {
        this.streams = streams;
    }

    /**
     * The failed batches in {@code text}: JSON lines of failure records, or the JSON that
     * {@code aws sqs receive-message} prints ({@code Messages[].Body} holding one record each).
     */
    public static List<FailedBatch> parse(String text) {
        List<FailedBatch> batches = new ArrayList<>();
        try {
            String trimmed = text.strip();
            if (trimmed.isEmpty()) {
                return batches;
            }
            // The first JSON value of the text: the whole of receive-message's output, or the first of the lines.
            JsonNode first = StreamEventPayloads.JSON.readTree(trimmed);
            if (first.has("Messages")) {
                for (JsonNode message : first.path("Messages")) {
                    batches.add(batch(StreamEventPayloads.JSON.readTree(message.path("Body").asText()),
                            Optional.of(message.path("ReceiptHandle").asText())));
                }
                return batches;
            }
            for (String line : trimmed.lines().toList()) {
                if (!line.isBlank()) {
                    batches.add(batch(StreamEventPayloads.JSON.readTree(line), Optional.empty()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batches;
    }

    private static FailedBatch batch(JsonNode failure, Optional<String> receipt) {
        JsonNode info = failure.path("DDBStreamBatchInfo");
        if (info.isMissingNode()) {
            throw new IllegalArgumentException("not a DynamoDB stream failure record (no DDBStreamBatchInfo): " + failure);
        }
        return new FailedBatch(info.path("streamArn").asText(), info.path("shardId").asText(), info.path("startSequenceNumber").asText(),
                info.path("endSequenceNumber").asText(), info.path("batchSize").asInt(), receipt);
    }

    /** The batch's records, read again from the stream: from its first sequence number through its last. */
    public Replay reread(FailedBatch batch) {
        String iterator;
        try {
            iterator = streams.getShardIterator(get -> get.streamArn(batch.streamArn()).shardId(batch.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(batch.startSequenceNumber())).shardIterator();
        } catch (TrimmedDataAccessException trimmed) {
            return new Replay(batch, List.of(), Optional.of("the stream no longer keeps sequence number " + batch.startSequenceNumber()
                    + " of shard " + batch.shardId() + " (past its 24-hour retention): these changes cannot be replayed from the stream"));
        }
        BigInteger last = new BigInteger(batch.endSequenceNumber());
        List<Record> records = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            var response = streams.getRecords(get -> get.shardIterator(current).limit(1000));
            for (Record record : response.records()) {
                if (new BigInteger(record.dynamodb().sequenceNumber()).compareTo(last) > 0) {
                    return new Replay(batch, records, Optional.empty());
                }
                records.add(record);
            }
            boolean reachedLast = !records.isEmpty() && new BigInteger(records.get(records.size() - 1).dynamodb().sequenceNumber()).equals(last);
            // An open shard answers an empty page at its end: the range has been read.
            if (reachedLast || response.records().isEmpty()) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return new Replay(batch, records, Optional.empty());
    }

    /** The event Lambda delivers for these records, as JSON. */
    public static String event(Replay replay, String region) {
        try {
            return StreamEventPayloads.JSON.writeValueAsString(StreamEventPayloads.event(replay.records(), replay.batch().streamArn(), region));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        Path failures = null;
        Path out = null;
        Optional<String> endpoint = Optional.empty();
        String region = Optional.ofNullable(System.getenv("AWS_REGION")).orElse("eu-west-1");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--failures" -> failures = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--endpoint" -> endpoint = Optional.of(args[++i]);
                case "--region" -> region = args[++i];
                default -> {
                    System.err.println("usage: FailureReplay --failures FILE --out DIR [--endpoint URL] [--region R]");
                    System.exit(2);
                }
            }
        }
        if (failures == null || out == null) {
            System.err.println("usage: FailureReplay --failures FILE --out DIR [--endpoint URL] [--region R]");
            System.exit(2);
        }
        var builder = DynamoDbStreamsClient.builder().httpClient(Apache5HttpClient.create()).region(Region.of(region));
        if (endpoint.isPresent()) {
            // The local stack's engine checks no signature: the local endpoint needs no credentials.
            builder.endpointOverride(URI.create(endpoint.get())).credentialsProvider(AnonymousCredentialsProvider.create());
        }
        try (DynamoDbStreamsClient streams = builder.build()) {
            System.exit(write(new FailureReplay(streams), Files.readString(failures, StandardCharsets.UTF_8), out, region));
        }
    }

    /** Writes one event file per replayable batch; the exit status is 1 when any batch can no longer be replayed. */
    public static int write(FailureReplay replay, String failures, Path out, String region) throws IOException {
        Files.createDirectories(out);
        int status = 0;
        List<FailedBatch> batches = parse(failures);
        for (int i = 0; i < batches.size(); i++) {
            Replay replayed = replay.reread(batches.get(i));
            if (replayed.lost().isPresent()) {
                System.err.println("batch " + i + ": " + replayed.lost().get());
                status = 1;
                continue;
            }
            Files.writeString(out.resolve(i + ".event.json"), event(replayed, region), StandardCharsets.UTF_8);
            int index = i;
            replayed.batch().receiptHandle().ifPresent(receipt -> {
                try {
                    Files.writeString(out.resolve(index + ".receipt"), receipt, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            System.out.println("batch " + i + ": shard " + replayed.batch().shardId() + ", " + replayed.records().size() + " of "
                    + replayed.batch().batchSize() + " record(s) re-read -> " + out.resolve(i + ".event.json"));
        }
        return status;
    }
}
