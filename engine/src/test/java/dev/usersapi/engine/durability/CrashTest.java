package dev.usersapi.engine.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.engine.Tables;
import dev.usersapi.engine.api.DynamoDbEngine;
import dev.usersapi.engine.wire.StandaloneEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the engine as a process of its own ({@link StandaloneEngine} on disk, spoken to over
 * HTTP as the local stack's clients speak to it) under concurrent multi-item transactions and
 * single writes, round after round on the same data, each round killed after a random number of
 * acknowledged writes. After each kill a reopen must find what DynamoDB promises:
 * <ul>
 * <li>a transaction wholly applied or not at all: TransactWriteItems is "an all-or-nothing
 * operation" (API reference, TransactWriteItems);</li>
 * <li>one stream record per item change, and none for a change that was not made: "each stream
 * record appears exactly once in the stream" (developer guide, "Change data capture for DynamoDB
 * Streams");</li>
 * <li>every acknowledged write, whole.</li>
 * </ul>
 */
class CrashTest {
    private static final int ROUNDS = 5;
    /** Groups of items a transaction writes together, one writer each: the counters of one group must stay equal. */
    private static final int GROUPS = 6;
    private static final int GROUP_SIZE = 100;
    private static final int SINGLE_WRITERS = 2;
    private static final String TABLE = "{\"TableName\":\"crash\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
            + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\","
            + "\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";

    @TempDir
    Path data;

    /**
     * Each group's counter as its last acknowledged transaction set it, and whether a transaction
     * was unanswered at the kill: after a reopen the counter is the one or, if so, the next.
     */
    private final long[] acknowledgedCounters = new long[GROUPS];
    private final boolean[] unanswered = new boolean[GROUPS];
    private final Set<String> acknowledgedPuts = ConcurrentHashMap.newKeySet();
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    /** Each item as the last round left it, and the last stream record read: each round reads only its own records. */
    private final Map<String, Optional<JsonNode>> imagesSoFar = new HashMap<>();
    private Optional<String> lastSequence = Optional.empty();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aKilledEngineLeavesNoHalfTransactionNoChangeWithoutItsRecordAndLosesNoAcknowledgedWrite() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 1; round <= ROUNDS; round++) {
            int killAfter = 5 + random.nextInt(35);
            runAndKill(round, killAfter, random.nextLong());
            List<String> problems = reopenAndCheck();
            assertTrue(problems.isEmpty(), "round " + round + " of " + ROUNDS + " (seed " + seed + ", killed after " + killAfter
                    + " acknowledged writes): " + problems.size() + " problems, e.g.\n  " + String.join("\n  ", problems.subList(0, Math.min(8, problems.size()))));
        }
        assertTrue(refused.isEmpty(), "every write was acknowledged until the kill: " + refused.stream().limit(3).toList());
    }

    private void runAndKill(int round, int killAfter, long seed) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process engine = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                StandaloneEngine.class.getName(), "--port", "0", "--data-dir", data.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            URI endpoint;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(engine.getInputStream(), StandardCharsets.UTF_8))) {
                String ready = String.valueOf(lines.readLine());
                assertTrue(ready.startsWith("engine listening on "), ready);
                endpoint = URI.create(ready.substring("engine listening on ".length()));
            }
            if (round == 1) {
                assertEquals(200, post(endpoint, "CreateTable", TABLE));
            }
            AtomicInteger acknowledged = new AtomicInteger();
            CountDownLatch killNow = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < GROUPS + SINGLE_WRITERS; w++) {
                Random own = new Random(seed + w);
                int group = w;
                String prefix = "p" + round + "-" + w + "-";
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            if (group < GROUPS) {
                                unanswered[group] = true;
                                if (acknowledged(post(endpoint, "TransactWriteItems", bump(group, acknowledgedCounters[group] + 1)), "TransactWriteItems")) {
                                    acknowledgedCounters[group]++;
                                    unanswered[group] = false;
                                } else {
                                    return;
                                }
                            } else {
                                String id = prefix + i;
                                if (acknowledged(post(endpoint, "PutItem", put(id, own.nextInt(700))), "PutItem")) {
                                    acknowledgedPuts.add(id);
                                } else {
                                    return;
                                }
                            }
                            if (acknowledged.incrementAndGet() == killAfter) {
                                killNow.countDown();
                            }
                        }
                    } catch (IOException | InterruptedException killed) {
                        // The engine is gone: what was not answered was never acknowledged.
                    }
                }, "crash-writer-" + w));
            }
            writers.forEach(Thread::start);
            assertTrue(killNow.await(120, TimeUnit.SECONDS), "the writers reached " + killAfter + " acknowledged writes");
            engine.destroyForcibly(); // SIGKILL, while the writers are still going
            engine.waitFor();
            assertEquals(137, engine.exitValue(), "the engine was killed by SIGKILL");
            for (Thread writer : writers) {
                writer.join();
            }
        } finally {
            engine.destroyForcibly();
        }
    }

    private boolean acknowledged(int status, String operation) {
        if (status != 200) {
            refused.add(operation + " answered " + status);
        }
        return status == 200;
    }

    private int post(URI endpoint, String operation, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).header("X-Amz-Target", DynamoDbEngine.TARGET_PREFIX + operation)
                .header("Content-Type", "application/x-amz-json-1.0").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String counterId(int group, int member) {
        return "g" + group + "-" + member;
    }

    /** One transaction: every counter of the group set to its next value (its one writer knows it). */
    private static String bump(int group, long counter) {
        StringBuilder items = new StringBuilder();
        for (int member = 0; member < GROUP_SIZE; member++) {
            items.append(member == 0 ? "" : ",").append("{\"Put\":{\"TableName\":\"crash\",\"Item\":{\"id\":{\"S\":\"").append(counterId(group, member))
                    .append("\"},\"n\":{\"N\":\"").append(counter).append("\"}}}}");
        }
        return "{\"TransactItems\":[" + items + "]}";
    }

    /** An item that carries its key twice and states its payload's length, so a reader can tell a half-written one. */
    private static String put(String id, int length) {
        return "{\"TableName\":\"crash\",\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"copy\":{\"S\":\"" + id + "\"},\"payload\":{\"S\":\""
                + "x".repeat(length) + "\"},\"length\":{\"N\":\"" + length + "\"}}}";
    }

    private List<String> reopenAndCheck() {
        List<String> problems = new ArrayList<>();
        try (DynamoDbEngine reopened = DynamoDbEngine.open(data, Clock.systemUTC())) {
            Map<String, JsonNode> items = scan(reopened);
            Map<String, List<JsonNode>> records = newStreamRecords(reopened);
            for (int group = 0; group < GROUPS; group++) {
                Map<Long, List<String>> byCounter = new TreeMap<>();
                for (int member = 0; member < GROUP_SIZE; member++) {
                    String id = counterId(group, member);
                    long counter = Optional.ofNullable(items.get(id)).map(item -> item.path("n").path("N").asLong()).orElse(0L);
                    byCounter.computeIfAbsent(counter, c -> new ArrayList<>()).add(id);
                }
                if (byCounter.size() > 1) {
                    problems.add("half-applied transaction: group " + group + "'s counters differ: " + summary(byCounter));
                }
                long counter = Collections.min(byCounter.keySet());
                if (counter < acknowledgedCounters[group]) {
                    problems.add("an acknowledged transaction is lost: group " + group + "'s counters at " + counter + ", acknowledged " + acknowledgedCounters[group]);
                }
                if (Collections.max(byCounter.keySet()) > acknowledgedCounters[group] + (unanswered[group] ? 1 : 0)) {
                    problems.add("group " + group + ": counters past the transactions sent");
                }
                // The writer goes on from the counter as it is, so that a problem is reported in the round it happened.
                acknowledgedCounters[group] = Collections.max(byCounter.keySet());
            }
            for (String id : acknowledgedPuts) {
                JsonNode item = items.get(id);
                if (item == null) {
                    problems.add("an acknowledged PutItem is lost: " + id);
                } else if (!item.path("copy").path("S").asText().equals(id)
                        || item.path("length").path("N").asInt() != item.path("payload").path("S").asText().length()) {
                    problems.add("a half-written item: " + item);
                }
            }
            Set<String> keys = new java.util.TreeSet<>(items.keySet());
            keys.addAll(records.keySet());
            for (String id : keys) {
                checkRecords(id, Optional.ofNullable(items.get(id)), records.getOrDefault(id, List.of()), problems);
            }
        }
        return problems;
    }

    /**
     * An item's records, in order, must chain (each one's old image is the one before's new image,
     * from the rounds before on) up to the item as it is: a break is a change without its record,
     * a last image the item does not have is a record without its change.
     */
    private void checkRecords(String id, Optional<JsonNode> item, List<JsonNode> records, List<String> problems) {
        Optional<JsonNode> image = imagesSoFar.getOrDefault(id, Optional.empty());
        for (JsonNode record : records) {
            Optional<JsonNode> old = Optional.ofNullable(record.path("dynamodb").get("OldImage"));
            if (!old.equals(image)) {
                problems.add(id + ": a change without its stream record: a record's old image " + old.map(JsonNode::toString).orElse("(none)")
                        + " follows the image " + image.map(JsonNode::toString).orElse("(none)"));
            }
            image = Optional.ofNullable(record.path("dynamodb").get("NewImage"));
        }
        if (!image.equals(item)) {
            boolean ahead = image.isPresent() && item.isPresent() && image.get().path("n").path("N").asLong() > item.get().path("n").path("N").asLong()
                    || image.isPresent() && item.isEmpty();
            problems.add(id + (ahead ? ": a stream record without its change: last record's image " : ": a change without its stream record: last record's image ")
                    + image.map(JsonNode::toString).orElse("(none)") + ", item " + item.map(JsonNode::toString).orElse("(none)"));
        }
        // The next round's records go on from the item as it is, so a problem is reported in the round it happened.
        imagesSoFar.put(id, item);
    }

    private static String summary(Map<Long, List<String>> byCounter) {
        StringBuilder text = new StringBuilder();
        byCounter.forEach((counter, ids) -> text.append(text.length() == 0 ? "" : ", ").append(ids.size()).append(" items at ").append(counter));
        return text.toString();
    }

    private static Map<String, JsonNode> scan(DynamoDbEngine engine) {
        Map<String, JsonNode> items = new HashMap<>();
        JsonNode start = null;
        do {
            String from = start == null ? "" : ",\"ExclusiveStartKey\":" + start;
            JsonNode page = Tables.call(engine, "Scan", "{\"TableName\":\"crash\"" + from + "}").body();
            page.path("Items").forEach(item -> items.put(item.path("id").path("S").asText(), item));
            start = page.get("LastEvaluatedKey");
        } while (start != null);
        return items;
    }

    /** The stream's records since the last round's, by item, in stream order. */
    private Map<String, List<JsonNode>> newStreamRecords(DynamoDbEngine engine) {
        Map<String, List<JsonNode>> byItem = new HashMap<>();
        String arn = Tables.call(engine, "DescribeTable", "{\"TableName\":\"crash\"}").body().path("Table").path("LatestStreamArn").asText();
        JsonNode shards = Tables.call(engine, "DynamoDBStreams:DescribeStream", "{\"StreamArn\":\"" + arn + "\"}").body()
                .path("StreamDescription").path("Shards");
        for (JsonNode shard : shards) {
            JsonNode range = shard.path("SequenceNumberRange");
            if (lastSequence.isPresent() && range.has("EndingSequenceNumber") && range.path("EndingSequenceNumber").asText().compareTo(lastSequence.get()) <= 0) {
                continue;
            }
            boolean resume = lastSequence.isPresent() && range.path("StartingSequenceNumber").asText().compareTo(lastSequence.get()) <= 0;
            String from = resume ? "\"AFTER_SEQUENCE_NUMBER\",\"SequenceNumber\":\"" + lastSequence.get() + "\"" : "\"TRIM_HORIZON\"";
            String iterator = Tables.call(engine, "DynamoDBStreams:GetShardIterator", "{\"StreamArn\":\"" + arn + "\",\"ShardId\":\""
                    + shard.path("ShardId").asText() + "\",\"ShardIteratorType\":" + from + "}").body().path("ShardIterator").asText();
            while (iterator != null) {
                JsonNode page = Tables.call(engine, "DynamoDBStreams:GetRecords", "{\"ShardIterator\":\"" + iterator + "\",\"Limit\":1000}").body();
                for (JsonNode record : page.path("Records")) {
                    byItem.computeIfAbsent(record.path("dynamodb").path("Keys").path("id").path("S").asText(), id -> new ArrayList<>()).add(record);
                    lastSequence = Optional.of(record.path("dynamodb").path("SequenceNumber").asText());
                }
                iterator = page.path("Records").isEmpty() ? null : page.path("NextShardIterator").textValue();
            }
        }
        return byItem;
    }
}
