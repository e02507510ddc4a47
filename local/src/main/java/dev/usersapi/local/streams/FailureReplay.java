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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
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
 * is {@code aws sqs receive-message} output). Without {@code --region} each stream is read in the
 * region its ARN names. {@code bin/replay-stream-failures} wraps it.
 */
public final class FailureReplay {
    /** A failed batch as Lambda describes it: the stream, the shard, and the first and last sequence number. */
    public record FailedBatch(String streamArn, String shardId, String startSequenceNumber, String endSequenceNumber, int batchSize,
                              Optional<String> receiptHandle) {}

    /** A batch re-read: the event to deliver, or why it cannot be replayed any more. */
    public record Replay(FailedBatch batch, List<Record> records, Optional<String> lost) {}

    /** Empty pages in a row after which a range still not read through its last record is given up. */
    static final int MAX_EMPTY_PAGES = 10;

    private final Function<String, DynamoDbStreamsClient> streamsIn;
    private final Optional<String> region;
    private final Map<String, DynamoDbStreamsClient> clients = new HashMap<>();

    /** Reads every batch with this client, and names {@code region} in the events (the local stack's engine). */
    public FailureReplay(DynamoDbStreamsClient streams, String region) {
        this(any -> streams, Optional.of(region));
    }

    /**
     * Reads each batch with the client of {@code region}, or where it is empty of the region its
     * stream ARN names (the cloud: a stream is read in its own region, whatever region the shell's
     * configuration names), and names that region in the events, as Lambda does.
     */
    public FailureReplay(Function<String, DynamoDbStreamsClient> streamsIn, Optional<String> region) {
        this.streamsIn = streamsIn;
        this.region = region;
    }

    /** One message (or line) of the queue: the batch it describes, or why it describes none. */
    public record Queued(Optional<FailedBatch> batch, Optional<String> unreadable) {}

    /**
     * The failed batches in {@code text}: JSON lines of failure records, or the JSON that
     * {@code aws sqs receive-message} prints ({@code Messages[].Body} holding one record each). A
     * message that is no such record is kept as unreadable: it must not keep the others from replay.
     */
    public static List<Queued> parse(String text) {
        List<Queued> queued = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return queued;
        }
        JsonNode first;
        try {
            // The first JSON value of the text: the whole of receive-message's output, or the first of the lines.
            first = StreamEventPayloads.JSON.readTree(trimmed);
        } catch (IOException e) {
            first = StreamEventPayloads.JSON.missingNode();
        }
        if (first.has("Messages")) {
            for (JsonNode message : first.path("Messages")) {
                queued.add(queued(message.path("Body").asText(), Optional.of(message.path("ReceiptHandle").asText())));
            }
            return queued;
        }
        for (String line : trimmed.lines().toList()) {
            if (!line.isBlank()) {
                queued.add(queued(line, Optional.empty()));
            }
        }
        return queued;
    }

    private static Queued queued(String text, Optional<String> receipt) {
        try {
            JsonNode info = StreamEventPayloads.JSON.readTree(text).path("DDBStreamBatchInfo");
            List<String> fields = List.of("streamArn", "shardId", "startSequenceNumber", "endSequenceNumber");
            if (fields.stream().anyMatch(field -> !info.path(field).isTextual())
                    || !info.path("startSequenceNumber").asText().matches("\\d+") || !info.path("endSequenceNumber").asText().matches("\\d+")) {
                throw new IllegalArgumentException("no DDBStreamBatchInfo with " + fields);
            }
            return new Queued(Optional.of(new FailedBatch(info.path("streamArn").asText(), info.path("shardId").asText(),
                    info.path("startSequenceNumber").asText(), info.path("endSequenceNumber").asText(), info.path("batchSize").asInt(), receipt)),
                    Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            return new Queued(Optional.empty(), Optional.of("not a DynamoDB stream failure record (" + e.getMessage().lines().findFirst().orElse("")
                    + "): " + text.substring(0, Math.min(200, text.length())) + ": left as it is"));
        }
    }

    /**
     * The batch's records, read again from the stream: from its first sequence number through its
     * last. Whatever keeps the whole range from being read (trimmed past the 24 hours, the stream
     * gone with its table, an error of the service) is the batch's {@code lost}: a batch is never
     * handed on with only part of its records.
     */
    public Replay reread(FailedBatch batch) {
        Optional<String> streamRegion = regionOf(batch);
        if (streamRegion.isEmpty()) {
            return lost(batch, "its streamArn " + batch.streamArn() + " is not a DynamoDB stream ARN");
        }
        DynamoDbStreamsClient streams = clients.computeIfAbsent(streamRegion.get(), streamsIn);
        BigInteger last = new BigInteger(batch.endSequenceNumber());
        List<Record> records = new ArrayList<>();
        try {
            String iterator = streams.getShardIterator(get -> get.streamArn(batch.streamArn()).shardId(batch.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(batch.startSequenceNumber())).shardIterator();
            // API reference, GetRecords: a page can be empty although records follow ("it might take multiple calls
            // to get to a portion of the shard that contains stream records"); the range's last record exists, since it
            // was delivered once, so reading goes on until it, the shard's end (no next iterator), or too many empty pages.
            int emptyPages = 0;
            while (iterator != null && emptyPages < MAX_EMPTY_PAGES) {
                String current = iterator;
                var response = streams.getRecords(get -> get.shardIterator(current).limit(1000));
                for (Record record : response.records()) {
                    BigInteger sequence = new BigInteger(record.dynamodb().sequenceNumber());
                    if (sequence.compareTo(last) > 0) {
                        return partialOrWhole(batch, records, last);
                    }
                    records.add(record);
                    if (sequence.equals(last)) {
                        return new Replay(batch, records, Optional.empty());
                    }
                }
                emptyPages = response.records().isEmpty() ? emptyPages + 1 : 0;
                iterator = response.nextShardIterator();
            }
        } catch (ExpiredIteratorException expired) {
            // An iterator lives 15 minutes (API reference, GetShardIterator): only a read held up that long meets this.
            return lost(batch, "its shard iterator expired while the range was read (" + reason(expired)
                    + "): run the replay again; the message stays");
        } catch (TrimmedDataAccessException trimmed) {
            return lost(batch, "the stream no longer keeps sequence number " + batch.startSequenceNumber() + " of shard " + batch.shardId()
                    + " (past its 24-hour retention): these changes cannot be replayed from the stream");
        } catch (ResourceNotFoundException gone) {
            return lost(batch, "its stream or shard no longer exists (" + reason(gone)
                    + "): a deleted table's stream is kept 24 hours; these changes cannot be replayed from the stream");
        } catch (SdkException failed) {
            return lost(batch, "the stream could not be read (" + failed.getMessage() + "): try again");
        }
        return partialOrWhole(batch, records, last);
    }

    private static Replay partialOrWhole(FailedBatch batch, List<Record> records, BigInteger last) {
        boolean whole = !records.isEmpty() && new BigInteger(records.get(records.size() - 1).dynamodb().sequenceNumber()).equals(last);
        return whole ? new Replay(batch, records, Optional.empty())
                : lost(batch, "the stream gave " + records.size() + " record(s) of shard " + batch.shardId() + " but not its sequence number "
                        + batch.endSequenceNumber() + ": the range was not read whole, so it is not replayed");
    }

    private static String reason(AwsServiceException error) {
        return Optional.ofNullable(error.awsErrorDetails()).map(AwsErrorDetails::errorMessage).orElse(error.getMessage());
    }

    private static Replay lost(FailedBatch batch, String why) {
        return new Replay(batch, List.of(), Optional.of(why));
    }

    /** The region the batch's stream is read in and its event names: the one given, else the stream ARN's own. */
    Optional<String> regionOf(FailedBatch batch) {
        if (region.isPresent()) {
            return region;
        }
        // arn:partition:dynamodb:region:account:table/name/stream/label
        String[] parts = batch.streamArn().split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[2].equals("dynamodb") && !parts[3].isEmpty()
                ? Optional.of(parts[3]) : Optional.empty();
    }

    /** The event Lambda delivers for these records, as JSON. */
    public String event(Replay replay) {
        try {
            return StreamEventPayloads.JSON.writeValueAsString(StreamEventPayloads.event(replay.records(), replay.batch().streamArn(),
                    regionOf(replay.batch()).orElseThrow()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        Path failures = null;
        Path out = null;
        Optional<String> endpoint = Optional.empty();
        Optional<String> region = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--failures" -> failures = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--endpoint" -> endpoint = Optional.of(args[++i]);
                case "--region" -> region = Optional.of(args[++i]);
                default -> usage();
            }
        }
        if (failures == null || out == null) {
            usage();
        }
        Optional<String> local = endpoint;
        List<DynamoDbStreamsClient> built = new ArrayList<>();
        Function<String, DynamoDbStreamsClient> streamsIn = in -> {
            var builder = DynamoDbStreamsClient.builder().httpClient(Apache5HttpClient.create()).region(Region.of(in));
            // The local stack's engine checks no signature: the local endpoint needs no credentials.
            local.ifPresent(url -> builder.endpointOverride(URI.create(url)).credentialsProvider(AnonymousCredentialsProvider.create()));
            DynamoDbStreamsClient client = builder.build();
            built.add(client);
            return client;
        };
        int status;
        try {
            status = write(new FailureReplay(streamsIn, region), Files.readString(failures, StandardCharsets.UTF_8), out);
        } finally {
            built.forEach(DynamoDbStreamsClient::close);
        }
        System.exit(status);
    }

    private static void usage() {
        System.err.println("usage: FailureReplay --failures FILE --out DIR [--endpoint URL] [--region R]");
        System.exit(2);
    }

    /** Writes one event file per replayable batch; the exit status is 1 when any batch can no longer be replayed. */
    public static int write(FailureReplay replay, String failures, Path out) throws IOException {
        Files.createDirectories(out);
        int status = 0;
        List<Queued> queued = parse(failures);
        for (int i = 0; i < queued.size(); i++) {
            if (queued.get(i).unreadable().isPresent()) {
                System.err.println("batch " + i + ": " + queued.get(i).unreadable().get());
                status = 1;
                continue;
            }
            Replay replayed = replay.reread(queued.get(i).batch().orElseThrow());
            if (replayed.lost().isPresent()) {
                System.err.println("batch " + i + ": " + replayed.lost().get());
                status = 1;
                continue;
            }
            Files.writeString(out.resolve(i + ".event.json"), replay.event(replayed), StandardCharsets.UTF_8);
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
