package dev.usersapi.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.storage.DiskStore;
import dev.usersapi.engine.storage.Store;
import dev.usersapi.engine.table.DynamoDbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The engine's one entry: a DynamoDB JSON 1.0 request (the operation named by
 * {@code X-Amz-Target: DynamoDB_20120810.<Operation>}) in, the answer out. Both ways in, the
 * HTTP listener and the in-process SDK client, call {@link #handle}.
 */
public final class DynamoDbEngine implements AutoCloseable {
    public static final String TARGET_PREFIX = "DynamoDB_20120810.";

    /** What the engine answers: status, body, and the CRC32 of the body the SDKs check. */
    public record Answer(int status, byte[] body) {
        public long crc32() {
            CRC32 crc = new CRC32();
            crc.update(body);
            return crc.getValue();
        }
    }

    private final TableOperations tables;
    private final ItemOperations items;
    private final StreamOperations streams;
    private final TransactionOperations transactions;
    private final Store store;

    /** An engine whose tables live in memory only. */
    public DynamoDbEngine(Clock clock) {
        this(clock, Store.inMemory(), dev.usersapi.engine.table.Table.ITEM_COLLECTION_LIMIT_BYTES);
    }

    /**
     * An in-memory engine whose item collections (in tables with local secondary indexes) are
     * refused past {@code itemCollectionLimitBytes} instead of DynamoDB's 10 GB: how a test
     * reaches the limit without writing 10 GB.
     */
    public DynamoDbEngine(Clock clock, long itemCollectionLimitBytes) {
        this(clock, Store.inMemory(), itemCollectionLimitBytes);
    }

    private DynamoDbEngine(Clock clock, Store store, long itemCollectionLimitBytes) {
        Map<String, dev.usersapi.engine.table.Table> catalog = new ConcurrentHashMap<>();
        this.store = store;
        this.tables = new TableOperations(catalog, clock, store, itemCollectionLimitBytes);
        this.items = new ItemOperations(catalog);
        this.streams = new StreamOperations(tables, clock);
        this.transactions = new TransactionOperations(catalog, clock);
        tables.restore();
    }

    /** An engine whose tables live in {@code directory}, reopened as they were. */
    public static DynamoDbEngine open(java.nio.file.Path directory, Clock clock) {
        return new DynamoDbEngine(clock, DiskStore.open(directory), dev.usersapi.engine.table.Table.ITEM_COLLECTION_LIMIT_BYTES);
    }

    private volatile java.util.Optional<java.util.concurrent.ScheduledExecutorService> expiry = java.util.Optional.empty();

    /** Deletes the items whose time to live has passed, now; returns how many. */
    public int expireNow() {
        return tables.expire();
    }

    /** Sweeps for expired items every {@code interval} on a daemon thread, until the engine closes. */
    public synchronized void expireEvery(java.time.Duration interval) {
        expiry.ifPresent(java.util.concurrent.ExecutorService::shutdownNow);
        var sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "engine-time-to-live");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                tables.expire();
            } catch (RuntimeException e) {
                System.err.println("engine: a time-to-live sweep failed, retrying at the next: " + e);
            }
        }, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        expiry = java.util.Optional.of(sweeper);
    }

    @Override
    public void close() {
        expiry.ifPresent(java.util.concurrent.ExecutorService::shutdownNow);
        store.close();
    }

    public Answer handle(String target, byte[] body) {
        try {
            boolean streamsApi = target != null && target.startsWith(StreamOperations.TARGET_PREFIX);
            JsonNode request;
            try {
                request = body.length == 0 ? JsonTrees.object() : JsonTrees.read(body);
            } catch (JsonProcessingException e) {
                // A body that is not JSON at all is refused before the operation is looked at, with no message (as DynamoDB does).
                throw new DynamoDbException("SerializationException", null, 400);
            }
            if (target == null || !target.startsWith(TARGET_PREFIX) && !streamsApi) {
                throw new DynamoDbException("UnknownOperationException", null, 400);
            }
            if (request == null || !request.isObject()) {
                throw new DynamoDbException("SerializationException", "Start of structure or map found where not expected", 400);
            }
            RequestShapes.check(target.substring(target.indexOf('.') + 1), request);
            ObjectNode answer = streamsApi ? streams.dispatch(target.substring(StreamOperations.TARGET_PREFIX.length()), request)
                    : dispatch(target.substring(TARGET_PREFIX.length()), request);
            // TagResource and UntagResource answer with no body at all, as DynamoDB does.
            return new Answer(200, answer == null ? new byte[0] : JsonTrees.bytes(answer));
        } catch (DynamoDbException e) {
            Answer refused = error(e.type(), e.getMessage(), e.status(), e.item());
            if (e.cancellationReasons().isPresent()) {
                try {
                    ObjectNode refusal = (ObjectNode) JsonTrees.read(refused.body());
                    refusal.set("CancellationReasons", e.cancellationReasons().get());
                    return new Answer(refused.status(), JsonTrees.bytes(refusal));
                } catch (IOException unreadable) {
                    return refused;
                }
            }
            return refused;
        } catch (IOException | RuntimeException e) {
            // A defect of the engine's, not the caller's: answered as DynamoDB answers its own failures, and reported.
            System.err.println("engine: internal error on " + target + ": " + e);
            e.printStackTrace();
            return error("InternalServerError", "Internal server error", 500, java.util.Optional.empty());
        }
    }

    private ObjectNode dispatch(String operation, JsonNode request) {
        return switch (operation) {
            case "CreateTable" -> tables.create(request);
            case "DescribeTable" -> tables.describe(request);
            case "ListTables" -> tables.list(request);
            case "DeleteTable" -> tables.delete(request);
            case "UpdateTable" -> tables.update(request);
            case "DescribeTimeToLive" -> tables.describeTimeToLive(request);
            case "UpdateTimeToLive" -> tables.updateTimeToLive(request);
            case "DescribeContinuousBackups" -> tables.describeContinuousBackups(request);
            case "UpdateContinuousBackups" -> tables.updateContinuousBackups(request);
            case "TagResource" -> tables.tag(request);
            case "UntagResource" -> tables.untag(request);
            case "ListTagsOfResource" -> tables.listTags(request);
            case "PutItem" -> items.put(request);
            case "GetItem" -> items.get(request);
            case "DeleteItem" -> items.delete(request);
            case "UpdateItem" -> items.update(request);
            case "Query" -> items.query(request);
            case "Scan" -> items.scan(request);
            case "BatchGetItem" -> items.batchGet(request);
            case "BatchWriteItem" -> items.batchWrite(request);
            case "TransactWriteItems" -> transactions.write(request);
            case "TransactGetItems" -> transactions.get(request);
            default -> throw new DynamoDbException("UnknownOperationException", null, 400);
        };
    }

    /** The service model that defines each error, as DynamoDB names it in __type. */
    private static String namespace(String type) {
        return switch (type) {
            case "ValidationException" -> "com.amazon.coral.validate";
            case "UnknownOperationException", "SerializationException", "MissingAuthenticationTokenException",
                 "IncompleteSignatureException", "InternalFailure", "AccessDeniedException" -> "com.amazon.coral.service";
            default -> "com.amazonaws.dynamodb.v20120810";
        };
    }

    private static Answer error(String type, String message, int status,
                                java.util.Optional<Map<String, dev.usersapi.engine.value.Value>> item) {
        ObjectNode body = JsonTrees.object().put("__type", namespace(type) + "#" + type);
        if (message != null) {
            // Coral's own AccessDeniedException and SerializationException spell the member "Message"; DynamoDB's errors, "message".
            body.put(type.equals("AccessDeniedException") || type.equals("SerializationException") ? "Message" : "message", message);
        }
        item.ifPresent(seen -> body.set("Item", dev.usersapi.engine.value.AttributeValues.write(seen)));
        return new Answer(status, JsonTrees.bytes(body));
    }
}
