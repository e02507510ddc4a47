package dev.usersapi.local.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.declaration.StreamConsumerDeclaration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The local stand-in for Lambda's event source mapping on a DynamoDB stream. It polls each
 * shard (parents before children), hands batches of up to {@code batchSize} records to the
 * function as the JSON event Lambda sends, and honours ReportBatchItemFailures as the mapping
 * does: records before the first reported failure are done; the batch is retried from that
 * record, so the order per shard holds; with {@code bisectBatchOnFunctionError} a failing batch
 * is split in two until the failing record stands alone; after {@code maximumRetryAttempts}
 * retries what is left goes to the failure destination and the shard moves on. A function that
 * throws fails the whole batch. Records older than {@code maximumRecordAgeSeconds} are not delivered
 * but sent to the failure destination, as in the cloud.
 */
public final class StreamEventSource implements AutoCloseable {
    /**
     * Shards are listed once a second, or at once when one closes, rather than at every poll:
     * DescribeStream allows 10 calls a second per account, and a poll every 50 ms would spend them.
     */
    private static final Duration SHARD_LISTING_INTERVAL = Duration.ofSeconds(1);
    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;
    private final StreamConsumerDeclaration settings;
    private final Function<String, String> function;
    private final Checkpoints checkpoints;
    private final FailureDestination failures;
    private final Clock clock;
    private final Duration retryDelay;
    private final Consumer<String> log;
    private final Map<String, String> iterators = new HashMap<>();
    private final Set<String> knownShards = new HashSet<>();
    private final ScheduledExecutorService poller;
    private boolean firstPoll = true;
    private java.util.Optional<List<Shard>> knownShardList = java.util.Optional.empty();
    private long shardsListedAt;

    public StreamEventSource(DynamoDbStreamsClient streams, String streamArn, String region, StreamConsumerDeclaration settings,
                             Function<String, String> function,
                             java.util.Optional<java.nio.file.Path> checkpointFile, FailureDestination failures,
                             Clock clock, Duration retryDelay, Consumer<String> log) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
        this.settings = settings;
        this.function = function;
        this.checkpoints = new Checkpoints(checkpointFile);
        this.failures = failures;
        this.clock = clock;
        this.retryDelay = retryDelay;
        this.log = log;
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "stream-event-source");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Duration pollInterval) {
        poller.scheduleWithFixedDelay(() -> {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                log.accept("stream event source: poll failed, retrying: " + e);
            }
        }, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over every open shard, delivering everything that is there, children of shards it finished included. */
    public synchronized void pollOnce() {
        passOverShards();
        // A shard finished in this pass has its children listed now, and read in this same poll.
        if (knownShardList.isEmpty()) {
            passOverShards();
        }
    }

    private void passOverShards() {
        if (knownShardList.isEmpty() || System.nanoTime() - shardsListedAt > SHARD_LISTING_INTERVAL.toNanos()) {
            knownShardList = java.util.Optional.of(shards());
            shardsListedAt = System.nanoTime();
        }
        List<Shard> shards = knownShardList.get();
        Set<String> present = new HashSet<>();
        shards.forEach(shard -> present.add(shard.shardId()));
        for (Shard shard : shards) {
            String id = shard.shardId();
            boolean parentPending = shard.parentShardId() != null && present.contains(shard.parentShardId())
                    && !checkpoints.isFinished(shard.parentShardId());
            if (checkpoints.isFinished(id) || parentPending) {
                continue;
            }
            boolean discoveredLater = !firstPoll && !knownShards.contains(id);
            knownShards.add(id);
            drain(id, discoveredLater);
        }
        firstPoll = false;
    }

    private void drain(String shardId, boolean discoveredLater) {
        boolean freshIterator = false;
        while (true) {
            List<Record> records;
            String next;
            try {
                String iterator = iterators.computeIfAbsent(shardId, id -> initialIterator(id, discoveredLater));
                var response = streams.getRecords(get -> get.shardIterator(iterator).limit(settings.batchSize()));
                records = response.records();
                next = response.nextShardIterator();
            } catch (ResourceNotFoundException gone) {
                // A closed shard is deleted once its last record passes the 24-hour retention: one
                // listed a moment ago may be gone now. It has nothing left to deliver; its children,
                // listed again now, are read from their start (their parent no longer listed).
                iterators.remove(shardId);
                knownShardList = java.util.Optional.empty();
                return;
            } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                // An iterator lives 15 minutes: one kept across a pause (a laptop asleep) is renewed
                // from the checkpoint at once, as the mapping does, rather than at the next poll.
                iterators.remove(shardId);
                if (freshIterator) {
                    return;
                }
                freshIterator = true;
                continue;
            }
            if (!records.isEmpty()) {
                deliver(shardId, records);
            }
            if (next == null) {
                checkpoints.finish(shardId);
                iterators.remove(shardId);
                // A closed shard has children to find now, not at the next listing.
                knownShardList = java.util.Optional.empty();
                return;
            }
            iterators.put(shardId, next);
            if (records.isEmpty()) {
                return;
            }
        }
    }

    private String initialIterator(String shardId, boolean discoveredLater) {
        var request = software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest.builder()
                .streamArn(streamArn).shardId(shardId);
        var checkpoint = checkpoints.lastSequence(shardId);
        checkpoint.ifPresentOrElse(
                sequence -> request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(sequence),
                // A shard that appears while running is read from its start, as Lambda reads child shards.
                () -> request.shardIteratorType(discoveredLater ? ShardIteratorType.TRIM_HORIZON
                        : ShardIteratorType.fromValue(settings.startingPosition())));
        try {
            return streams.getShardIterator(request.build()).shardIterator();
        } catch (TrimmedDataAccessException trimmed) {
            // The last record delivered is past the stream's 24-hour retention: what followed it
            // and is still kept starts at the trim horizon; asking again for the checkpoint would fail forever.
            log.accept("stream event source: shard " + shardId + " was trimmed past its checkpoint " + checkpoint.orElse("")
                    + "; going on from its oldest record");
            return streams.getShardIterator(request.shardIteratorType(ShardIteratorType.TRIM_HORIZON).sequenceNumber(null).build())
                    .shardIterator();
        }
    }

    private void deliver(String shardId, List<Record> records) {
        deliverBatch(shardId, dropTooOld(shardId, records));
    }

    /**
     * One batch until it is done: records before the first failure are done; with bisection on, a
     * failing batch is split in two and each half delivered in turn, down to the failing record
     * alone, so that only it reaches the failure destination and the order of the rest holds.
     */
    private void deliverBatch(String shardId, List<Record> records) {
        List<Record> batch = records;
        int retries = 0;
        while (!batch.isEmpty()) {
            int firstFailed = invoke(batch);
            if (firstFailed < 0) {
                checkpoints.advance(shardId, last(batch));
                return;
            }
            if (firstFailed > 0) {
                checkpoints.advance(shardId, batch.get(firstFailed - 1).dynamodb().sequenceNumber());
                batch = batch.subList(firstFailed, batch.size());
            }
            if (settings.bisectBatchOnFunctionError() && batch.size() > 1) {
                int half = batch.size() / 2;
                List<Record> second = batch.subList(half, batch.size());
                deliverBatch(shardId, batch.subList(0, half));
                deliverBatch(shardId, second);
                return;
            }
            if (++retries > settings.maximumRetryAttempts()) {
                failures.record(failure(shardId, batch, "RetryAttemptsExhausted"));
                log.accept("stream event source: gave up on " + batch.size() + " record(s) of shard " + shardId
                        + " after " + settings.maximumRetryAttempts() + " retries; recorded in " + failures.file());
                checkpoints.advance(shardId, last(batch));
                return;
            }
            pause();
        }
    }

    /** The index of the first failed record, or -1 when the whole batch succeeded. */
    private int invoke(List<Record> batch) {
        String answer;
        try {
            answer = function.apply(StreamEventPayloads.JSON.writeValueAsString(
                    StreamEventPayloads.event(batch, streamArn, region)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException functionError) {
            log.accept("stream event source: the function failed; retrying the batch: " + functionError);
            return 0;
        }
        JsonNode failed;
        try {
            failed = StreamEventPayloads.JSON.readTree(answer).path("batchItemFailures");
        } catch (IOException e) {
            return 0;
        }
        if (!failed.isArray() || failed.isEmpty()) {
            return -1;
        }
        int first = batch.size();
        for (JsonNode failure : failed) {
            String sequence = failure.path("itemIdentifier").asText("");
            int index = indexOf(batch, sequence);
            // An identifier that names no record of the batch fails the whole batch, as in Lambda.
            first = Math.min(first, index < 0 ? 0 : index);
        }
        return first;
    }

    private List<Record> dropTooOld(String shardId, List<Record> records) {
        Instant oldest = clock.instant().minusSeconds(settings.maximumRecordAgeSeconds());
        List<Record> tooOld = new ArrayList<>();
        List<Record> fresh = new ArrayList<>();
        for (Record record : records) {
            Instant created = record.dynamodb().approximateCreationDateTime();
            (created.isBefore(oldest) ? tooOld : fresh).add(record);
        }
        if (!tooOld.isEmpty()) {
            failures.record(failure(shardId, tooOld, "RecordAgeExceeded"));
        }
        return fresh;
    }

    private ObjectNode failure(String shardId, List<Record> batch, String condition) {
        ObjectNode failure = StreamEventPayloads.JSON.createObjectNode();
        failure.put("timestamp", clock.instant().toString());
        failure.putObject("requestContext").put("condition", condition).put("functionArn", "local:users-stream");
        ObjectNode info = failure.putObject("DDBStreamBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", batch.get(0).dynamodb().sequenceNumber());
        info.put("endSequenceNumber", last(batch));
        info.put("batchSize", batch.size());
        info.put("streamArn", streamArn);
        failure.set("records", StreamEventPayloads.event(batch, streamArn, region).get("Records"));
        return failure;
    }

    private List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String exclusiveStart = start;
            var description = streams.describeStream(describe -> describe.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            shards.addAll(description.shards());
            start = description.lastEvaluatedShardId();
        } while (start != null);
        return shards;
    }

    private void pause() {
        try {
            Thread.sleep(retryDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a batch", e);
        }
    }

    private static int indexOf(List<Record> batch, String sequenceNumber) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).dynamodb().sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        return -1;
    }

    private static String last(List<Record> batch) {
        return batch.get(batch.size() - 1).dynamodb().sequenceNumber();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
