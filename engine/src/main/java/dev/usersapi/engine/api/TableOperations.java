package dev.usersapi.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.usersapi.engine.json.JsonTrees;
import dev.usersapi.engine.table.DynamoDbException;
import dev.usersapi.engine.table.Index;
import dev.usersapi.engine.table.KeySchema;
import dev.usersapi.engine.table.Table;
import dev.usersapi.engine.table.TableSettings;
import dev.usersapi.engine.storage.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The control plane: tables, their indexes and settings, as CreateTable and DescribeTable define them. */
final class TableOperations {
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    static final String ACCOUNT = "000000000000";
    private static final String REGION = "us-east-1";

    private final Map<String, Table> catalog;
    private final Map<String, Map<String, String>> timeToLive = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, JsonNode> definitions = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;
    private final Store store;
    private final long itemCollectionLimit;
    private final RetiredStreams retired;
    /** Per table name, the instant its newest stream is labelled with: labels rise strictly, so no two streams share an ARN. */
    private final Map<String, java.time.Instant> labelled = new java.util.concurrent.ConcurrentHashMap<>();

    TableOperations(Map<String, Table> catalog, Clock clock, Store store, long itemCollectionLimit) {
        this.itemCollectionLimit = itemCollectionLimit;
        this.catalog = catalog;
        this.clock = clock;
        this.store = store;
        this.retired = new RetiredStreams(store);
    }

    /** The tables the store holds, with their settings and items, as they were when last written. */
    void restore() {
        retired.restore(clock);
        retired.kept().forEach(each -> labelled(each.tableName(), each.stream()));
        store.tables().forEach((name, saved) -> {
            JsonNode record;
            try {
                record = JsonTrees.read(saved);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the stored definition of table " + name + " is unreadable", e);
            }
            Table table = build(record.path("request"), java.time.Instant.ofEpochMilli(record.path("created").asLong()));
            JsonNode settings = record.path("settings");
            Map<String, String> tags = new LinkedHashMap<>();
            settings.path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
            table.settings(new TableSettings(settings.path("billingMode").asText(), settings.path("readCapacity").asLong(),
                    settings.path("writeCapacity").asLong(), Optional.ofNullable(settings.path("streamViewType").textValue()),
                    settings.path("pointInTimeRecovery").asBoolean(), tags));
            if (record.hasNonNull("timeToLiveAttribute")) {
                timeToLive.put(name, Map.of("AttributeName", record.path("timeToLiveAttribute").asText()));
            }
            // The stream's records are read beside the items: the open's costs are there.
            JsonNode savedStream = record.path("stream");
            Optional<dev.usersapi.engine.stream.TableStream> stream = Optional.empty();
            java.util.concurrent.CompletableFuture<Void> streamRestored = java.util.concurrent.CompletableFuture.completedFuture(null);
            if (savedStream.isObject()) {
                var restored = new dev.usersapi.engine.stream.TableStream(savedStream.path("arn").asText(), savedStream.path("label").asText(),
                        savedStream.path("viewType").asText(), java.time.Instant.ofEpochMilli(savedStream.path("created").asLong()), clock, store);
                streamRestored = java.util.concurrent.CompletableFuture.runAsync(restored::restore, task -> {
                    Thread reader = new Thread(task, "engine-open-stream-" + name);
                    reader.setDaemon(true);
                    reader.start();
                });
                stream = Optional.of(restored);
            }
            // What the open reads of each item: what indexes need, and the expiry the time-to-live sweep reads.
            java.util.Set<String> read = new java.util.HashSet<>(table.indexedAttributes());
            Optional.ofNullable(timeToLive.get(name)).ifPresent(ttl -> read.add(ttl.get("AttributeName")));
            List<Table.Loaded> stored = new java.util.ArrayList<>();
            store.items(name, row -> {
                // Each item is read as it comes: the open never holds all the items' bytes at once.
                try (var parser = JsonTrees.parser(row.item())) {
                    Map<String, dev.usersapi.engine.value.Value> attributes = dev.usersapi.engine.value.AttributeValues.storedAttributes(parser, read);
                    byte[] rowKey = row.key();
                    stored.add(new Table.Loaded(attributes, new dev.usersapi.engine.value.StoredItem(attributes, read, () -> store.item(rowKey))));
                } catch (java.io.IOException | RuntimeException e) {
                    throw new IllegalStateException("a stored item of table " + name + " is unreadable", e);
                }
            });
            table.loadAll(stored);
            try {
                streamRestored.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw new IllegalStateException("the stream records of table " + name + " are unreadable", e.getCause());
            }
            stream.ifPresent(restored -> {
                table.stream(Optional.of(restored));
                if (!savedStream.path("streaming").asBoolean(true)) {
                    // Disabled when it was, so it is gone 24 hours after that, not after the reopen (definitions saved before they named the time: now).
                    restored.close(savedStream.has("closed") ? java.time.Instant.ofEpochMilli(savedStream.path("closed").asLong()) : clock.instant());
                    table.stream(Optional.empty());
                }
                labelled(name, restored);
            });
            // Streams replaced by a later one, kept (disabled) for 24 hours: few records, read here.
            List<dev.usersapi.engine.stream.TableStream> replaced = new java.util.ArrayList<>();
            for (JsonNode earlier : record.path("replacedStreams")) {
                var kept = new dev.usersapi.engine.stream.TableStream(earlier.path("arn").asText(), earlier.path("label").asText(),
                        earlier.path("viewType").asText(), java.time.Instant.ofEpochMilli(earlier.path("created").asLong()), clock, store);
                kept.restore();
                kept.close(java.time.Instant.ofEpochMilli(earlier.path("closed").asLong()));
                replaced.add(kept);
                labelled(name, kept);
            }
            table.replacedStreams(replaced);
            definitions.put(name, record.path("request"));
            catalog.put(name, table);
        });
    }

    /** Saves a table's definition and current settings, so that a reopened engine has it as it is now. */
    private void persist(Table table) {
        ObjectNode record = JsonTrees.object();
        record.set("request", definitions.get(table.name()));
        record.put("created", table.created().toEpochMilli());
        TableSettings settings = table.settings();
        ObjectNode saved = record.putObject("settings").put("billingMode", settings.billingMode())
                .put("readCapacity", settings.readCapacity()).put("writeCapacity", settings.writeCapacity())
                .put("pointInTimeRecovery", settings.pointInTimeRecovery());
        settings.streamViewType().ifPresent(view -> saved.put("streamViewType", view));
        ObjectNode tags = saved.putObject("tags");
        settings.tags().forEach(tags::put);
        Optional.ofNullable(timeToLive.get(table.name())).ifPresent(ttl -> record.put("timeToLiveAttribute", ttl.get("AttributeName")));
        table.stream().ifPresent(stream -> {
            ObjectNode latest = record.putObject("stream").put("arn", stream.arn()).put("label", stream.label())
                    .put("viewType", stream.viewType()).put("created", stream.created().toEpochMilli()).put("streaming", table.streaming());
            stream.closed().ifPresent(closed -> latest.put("closed", closed.toEpochMilli()));
        });
        List<dev.usersapi.engine.stream.TableStream> replaced = table.replacedStreams();
        if (!replaced.isEmpty()) {
            ArrayNode earlier = record.putArray("replacedStreams");
            replaced.forEach(stream -> earlier.addObject().put("arn", stream.arn()).put("label", stream.label()).put("viewType", stream.viewType())
                    .put("created", stream.created().toEpochMilli()).put("closed", stream.closed().orElseThrow().toEpochMilli()));
        }
        store.saveTable(table.name(), JsonTrees.text(record));
    }

    static String arn(String table) {
        return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + table;
    }

    private static String tableName(JsonNode request) {
        TableDefinitions.tableName(request);
        new Constraints().name(request.get("TableName"), "tableName").check();
        return request.get("TableName").asText();
    }

    /** The table a control-plane request names; a missing one is named in the refusal, as DynamoDB names it. */
    Table table(JsonNode request) {
        String name = tableName(request);
        Table table = catalog.get(name);
        if (table == null) {
            throw DynamoDbException.notFound("Requested resource not found: Table: " + name + " not found");
        }
        return table;
    }

    ObjectNode create(JsonNode request) {
        TableDefinitions.check(request);
        Table table = build(request, clock.instant());
        table.settings().streamViewType().ifPresent(view -> table.stream(Optional.of(newStream(table, view))));
        if (catalog.putIfAbsent(table.name(), table) != null) {
            throw new DynamoDbException("ResourceInUseException", "", 400);
        }
        definitions.put(table.name(), request.deepCopy());
        persist(table);
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = description(table);
        // DynamoDB answers CreateTable while the table is being created; this engine's tables are usable at once.
        description.put("TableStatus", "CREATING");
        description.path("GlobalSecondaryIndexes").forEach(index -> ((ObjectNode) index).put("IndexStatus", "CREATING"));
        answer.set("TableDescription", description);
        return answer;
    }

    /**
     * A reopened engine rebuilds tables from their CreateTable request: after an index is added or
     * removed, the saved request says what the table has now.
     */
    private static void rememberIndexes(Table table, ObjectNode definition) {
        ArrayNode definitions = definition.putArray("AttributeDefinitions");
        table.attributeTypes().forEach((name, type) -> definitions.addObject().put("AttributeName", name).put("AttributeType", type));
        ArrayNode global = JsonTrees.array();
        table.indexes().stream().filter(index -> index.kind() == Index.Kind.GLOBAL).forEach(index -> {
            ObjectNode saved = global.addObject().put("IndexName", index.name());
            saved.set("KeySchema", keySchemaJson(index.key()));
            ObjectNode projection = saved.putObject("Projection").put("ProjectionType", index.projectionType());
            if (!index.nonKeyAttributes().isEmpty()) {
                ArrayNode nonKey = projection.putArray("NonKeyAttributes");
                index.nonKeyAttributes().forEach(nonKey::add);
            }
        });
        if (global.isEmpty()) {
            definition.remove("GlobalSecondaryIndexes");
        } else {
            definition.set("GlobalSecondaryIndexes", global);
        }
    }

    /**
     * A new stream for the table, labelled with its creation time to the millisecond, as DynamoDB
     * labels streams (an ISO 8601 time, the ARN's last part). A table deleted and made again, or a
     * stream disabled and enabled again, within one millisecond would repeat a label, and with it
     * the ARN of a stream still kept: such a stream is labelled a millisecond after the last.
     */
    private dev.usersapi.engine.stream.TableStream newStream(Table table, String viewType) {
        java.time.Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        java.time.Instant at = labelled.merge(table.name(), now, (last, next) -> next.isAfter(last) ? next : last.plusMillis(1));
        String label = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC).format(at);
        return new dev.usersapi.engine.stream.TableStream(arn(table.name()) + "/stream/" + label, label, viewType, at, clock, store);
    }

    private void labelled(String table, dev.usersapi.engine.stream.TableStream stream) {
        labelled.merge(table, stream.created().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** A stream as the Streams API describes it: its table's name and key, and whether it records. */
    record KeptStream(dev.usersapi.engine.stream.TableStream stream, String tableName, String hashName, Optional<String> rangeName, boolean enabled) {}

    /** Every stream kept: the tables' own, and those of deleted tables for 24 hours after. */
    List<KeptStream> streams() {
        List<KeptStream> all = new ArrayList<>();
        for (Table table : catalog.values()) {
            Optional<dev.usersapi.engine.stream.TableStream> latest = table.streaming() ? table.stream() : Optional.empty();
            table.streams().forEach(stream -> all.add(new KeptStream(stream, table.name(), table.key().hashName(), table.key().rangeName(),
                    latest.filter(stream::equals).isPresent())));
        }
        retired.kept().forEach(each -> all.add(new KeptStream(each.stream(), each.tableName(), each.hashName(), each.rangeName(), false)));
        return all;
    }

    /** The stream with this ARN, if it is kept. */
    Optional<KeptStream> stream(String streamArn) {
        return streams().stream().filter(each -> each.stream().arn().equals(streamArn)).findFirst();
    }

    /**
     * Time to live: deletes every item whose TTL attribute, a number of epoch seconds, is past
     * (the developer guide, "Time to Live"): items without the attribute, with another type, or
     * more than five years past, are left alone, each on its own, so one such item stops nothing.
     * Each deletion is written as the service's, so its stream record names TTL as its maker.
     */
    int expire() {
        long now = clock.instant().getEpochSecond();
        long fiveYears = java.time.Duration.ofDays(5 * 365).getSeconds();
        int deleted = 0;
        for (var entry : timeToLive.entrySet()) {
            Table table = catalog.get(entry.getKey());
            if (table == null) {
                continue;
            }
            String attribute = entry.getValue().get("AttributeName");
            for (Map<String, dev.usersapi.engine.value.Value> item : List.copyOf(table.items().values())) {
                if (!expired(item, attribute, now, fiveYears)) {
                    continue;
                }
                Map<String, dev.usersapi.engine.value.Value> key = table.key().keyOf(item).orElseThrow();
                // The item may have changed since it was read: it goes only if it is still expired.
                Table.Written written = table.write(key, current -> current.filter(still -> !expired(still, attribute, now, fiveYears)),
                        Optional.of("dynamodb.amazonaws.com"));
                if (written.before().isPresent() && written.after().isEmpty()) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private static boolean expired(Map<String, dev.usersapi.engine.value.Value> item, String attribute, long now, long fiveYears) {
        if (!(item.get(attribute) instanceof dev.usersapi.engine.value.Value.N expiry)) {
            return false;
        }
        java.math.BigDecimal at = expiry.value();
        return at.compareTo(java.math.BigDecimal.valueOf(now)) < 0 && at.compareTo(java.math.BigDecimal.valueOf(now - fiveYears)) >= 0;
    }

    java.util.Collection<Table> tables() {
        return catalog.values();
    }

    /** A table as a CreateTable request declares it, checked as DynamoDB checks it. */
    private Table build(JsonNode request, java.time.Instant created) {
        String name = tableName(request);
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode definition : request.path("AttributeDefinitions")) {
            String type = definition.path("AttributeType").asText();
            if (!List.of("S", "N", "B").contains(type)) {
                throw DynamoDbException.validation("1 validation error detected: Value '" + type
                        + "' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }
            types.put(definition.path("AttributeName").asText(), type);
        }
        KeySchema key = keySchema(request.path("KeySchema"), types);
        List<Index> indexes = new ArrayList<>();
        for (JsonNode index : request.path("LocalSecondaryIndexes")) {
            KeySchema indexKey = keySchema(index.path("KeySchema"), types);
            if (!indexKey.hashName().equals(key.hashName())) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                        + index.path("IndexName").asText() + ". index hash key: " + indexKey.hashName() + ", table hash key: " + key.hashName());
            }
            indexes.add(index(index, Index.Kind.LOCAL, indexKey));
        }
        for (JsonNode index : request.path("GlobalSecondaryIndexes")) {
            indexes.add(index(index, Index.Kind.GLOBAL, keySchema(index.path("KeySchema"), types)));
        }
        TreeSet<String> used = new TreeSet<>();
        used.add(key.hashName());
        key.rangeName().ifPresent(used::add);
        indexes.forEach(index -> {
            used.addAll(index.key().names());
        });
        if (!used.equals(new TreeSet<>(types.keySet()))) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        String billing = Requests.optionalString(request, "BillingMode").orElse("PROVISIONED");
        JsonNode throughput = request.path("ProvisionedThroughput");
        if (billing.equals("PROVISIONED") && throughput.isMissingNode()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        }
        if (billing.equals("PAY_PER_REQUEST") && !throughput.isMissingNode()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }
        Optional<String> stream = StreamSpecifications.created(request.path("StreamSpecification"));
        Map<String, String> tags = Tagging.read(request.path("Tags"));
        Tagging.checkCount(tags);
        return new Table(name, key, types, indexes, created, new TableSettings(billing,
                throughput.path("ReadCapacityUnits").asLong(0), throughput.path("WriteCapacityUnits").asLong(0), stream, false, tags), store, itemCollectionLimit);
    }

    private static Index index(JsonNode index, Index.Kind kind, KeySchema key) {
        JsonNode projection = index.path("Projection");
        List<String> nonKey = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(attribute -> nonKey.add(attribute.asText()));
        return new Index(index.path("IndexName").asText(), kind, key, projection.path("ProjectionType").asText("ALL"), nonKey);
    }

    private static KeySchema keySchema(JsonNode elements, Map<String, String> types) {
        Optional<String> hash = Optional.empty();
        Optional<String> range = Optional.empty();
        List<KeySchema.Part> hashParts = new ArrayList<>();
        List<KeySchema.Part> rangeParts = new ArrayList<>();
        for (JsonNode element : elements) {
            String name = element.path("AttributeName").asText();
            if (!types.containsKey(name)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: ["
                        + name + "], AttributeDefinitions: " + types.keySet());
            }
            if (element.path("KeyType").asText().equals("HASH")) {
                hash = Optional.of(name);
                hashParts.add(new KeySchema.Part(name, types.get(name)));
            } else {
                range = Optional.of(name);
                rangeParts.add(new KeySchema.Part(name, types.get(name)));
            }
        }
        if (hashParts.size() > 1 || rangeParts.size() > 1) {
            // Only a global secondary index's KeySchema gets here (TableDefinitions.checkMultiAttributeKey).
            return KeySchema.of(hashParts, rangeParts);
        }
        String hashName = hash.orElseThrow(() -> DynamoDbException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"));
        return new KeySchema(hashName, types.get(hashName), range, range.map(types::get));
    }

    ObjectNode describe(JsonNode request) {
        String name = tableName(request);
        Table table = catalog.get(name);
        if (table == null) {
            throw DynamoDbException.notFound("Requested resource not found: Table: " + name + " not found");
        }
        ObjectNode answer = JsonTrees.object();
        answer.set("Table", description(table));
        return answer;
    }

    private ObjectNode description(Table table) {
        ObjectNode json = JsonTrees.object();
        ArrayNode definitions = json.putArray("AttributeDefinitions");
        table.attributeTypes().forEach((name, type) -> definitions.addObject().put("AttributeName", name).put("AttributeType", type));
        json.put("TableName", table.name());
        json.set("KeySchema", keySchemaJson(table.key()));
        json.put("TableStatus", "ACTIVE");
        json.put("CreationDateTime", table.created().toEpochMilli() / 1000.0);
        TableSettings settings = table.settings();
        ObjectNode throughput = json.putObject("ProvisionedThroughput");
        throughput.put("NumberOfDecreasesToday", 0).put("ReadCapacityUnits", settings.readCapacity()).put("WriteCapacityUnits", settings.writeCapacity());
        json.put("TableSizeBytes", 0);
        json.put("ItemCount", table.itemCount());
        json.put("TableArn", arn(table.name()));
        json.put("TableId", tableId(table));
        if (settings.billingMode().equals("PAY_PER_REQUEST")) {
            json.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST")
                    .put("LastUpdateToPayPerRequestDateTime", table.created().toEpochMilli() / 1000.0);
            json.putObject("TableThroughputModeSummary").put("TableThroughputMode", "PAY_PER_REQUEST");
        }
        for (Index.Kind kind : Index.Kind.values()) {
            ArrayNode indexes = JsonTrees.array();
            table.indexes().stream().filter(index -> index.kind() == kind).forEach(index -> {
                ObjectNode description = indexes.addObject();
                description.put("IndexName", index.name());
                description.set("KeySchema", keySchemaJson(index.key()));
                ObjectNode projection = description.putObject("Projection").put("ProjectionType", index.projectionType());
                if (!index.nonKeyAttributes().isEmpty()) {
                    ArrayNode nonKey = projection.putArray("NonKeyAttributes");
                    index.nonKeyAttributes().forEach(nonKey::add);
                }
                if (kind == Index.Kind.GLOBAL) {
                    description.put("IndexStatus", "ACTIVE");
                    description.putObject("ProvisionedThroughput").put("ReadCapacityUnits", 0).put("WriteCapacityUnits", 0);
                }
                description.put("IndexSizeBytes", 0).put("ItemCount", 0);
                description.put("IndexArn", arn(table.name()) + "/index/" + index.name());
            });
            if (!indexes.isEmpty()) {
                json.set(kind == Index.Kind.GLOBAL ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes", indexes);
            }
        }
        settings.streamViewType().ifPresent(view -> json.putObject("StreamSpecification").put("StreamEnabled", true).put("StreamViewType", view));
        table.stream().ifPresent(stream -> {
            json.put("LatestStreamLabel", stream.label());
            json.put("LatestStreamArn", stream.arn());
        });
        return json;
    }

    /** A table's id, as DynamoDB shows it (a version-4 UUID), the same for the table's life: made from its name and creation time. */
    private static String tableId(Table table) {
        java.util.UUID named = java.util.UUID.nameUUIDFromBytes((table.name() + "@" + table.created().toEpochMilli()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long high = (named.getMostSignificantBits() & ~0xF000L) | 0x4000L;
        return new java.util.UUID(high, named.getLeastSignificantBits()).toString();
    }

    private static ArrayNode keySchemaJson(KeySchema key) {
        if (key.isMultiAttribute()) {
            ArrayNode schema = JsonTrees.array();
            key.hashParts().forEach(part -> schema.addObject().put("AttributeName", part.name()).put("KeyType", "HASH"));
            key.rangeParts().forEach(part -> schema.addObject().put("AttributeName", part.name()).put("KeyType", "RANGE"));
            return schema;
        }
        ArrayNode schema = JsonTrees.array();
        schema.addObject().put("AttributeName", key.hashName()).put("KeyType", "HASH");
        key.rangeName().ifPresent(range -> schema.addObject().put("AttributeName", range).put("KeyType", "RANGE"));
        return schema;
    }

    ObjectNode list(JsonNode request) {
        // API reference, ListTables: Limit 1 to 100; ExclusiveStartTableName a table name.
        new Constraints().range(request.get("Limit"), "limit", 1, 100).name(request.get("ExclusiveStartTableName"), "exclusiveStartTableName").check();
        TreeSet<String> names = new TreeSet<>(catalog.keySet());
        Optional<String> start = Requests.optionalString(request, "ExclusiveStartTableName");
        int limit = request.path("Limit").asInt(100);
        ObjectNode answer = JsonTrees.object();
        ArrayNode listed = answer.putArray("TableNames");
        for (String name : start.map(s -> names.tailSet(s, false)).orElse(names)) {
            if (listed.size() == limit) {
                answer.put("LastEvaluatedTableName", listed.get(listed.size() - 1).asText());
                break;
            }
            listed.add(name);
        }
        return answer;
    }

    ObjectNode delete(JsonNode request) {
        Table table = table(request);
        catalog.remove(table.name());
        definitions.remove(table.name());
        retired.retire(table);
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = description(table);
        description.put("TableStatus", "DELETING");
        answer.set("TableDescription", description);
        return answer;
    }

    ObjectNode update(JsonNode request) {
        TableDefinitions.checkUpdate(request);
        Table table = table(request);
        // API reference, UpdateTable: "You can create or delete only one global secondary index per UpdateTable operation."
        long indexChanges = java.util.stream.StreamSupport.stream(request.path("GlobalSecondaryIndexUpdates").spliterator(), false)
                .filter(change -> change.has("Create") || change.has("Delete")).count();
        if (indexChanges > 1) {
            throw new DynamoDbException("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table", 400);
        }
        checkThroughputChange(request, table);
        // Checked before anything changes: a refused stream change leaves the indexes as they were too.
        JsonNode stream = request.path("StreamSpecification");
        Optional<String> view = stream.isMissingNode() ? table.settings().streamViewType()
                : StreamSpecifications.updated(table.name(), table.settings().streamViewType().isPresent(), stream);
        Map<String, String> types = new LinkedHashMap<>(table.attributeTypes());
        for (JsonNode definition : request.path("AttributeDefinitions")) {
            types.put(definition.path("AttributeName").asText(), definition.path("AttributeType").asText());
        }
        for (JsonNode change : request.path("GlobalSecondaryIndexUpdates")) {
            if (change.has("Create")) {
                JsonNode create = change.get("Create");
                String indexName = create.path("IndexName").asText();
                if (table.index(indexName).isPresent()) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Index with name: " + indexName + " already exists");
                }
                if (TableDefinitions.isMultiAttribute(create.path("KeySchema"))) {
                    TableDefinitions.checkMultiAttributeKey(create.path("KeySchema"), indexName, new ArrayList<>(types.keySet()));
                }
                table.addIndex(index(create, Index.Kind.GLOBAL, keySchema(create.path("KeySchema"), types)), types);
            } else if (change.has("Delete")) {
                String indexName = change.get("Delete").path("IndexName").asText();
                if (table.index(indexName).isEmpty()) {
                    throw DynamoDbException.notFound("Requested resource not found: Table: " + table.name() + " index: " + indexName + " not found");
                }
                table.removeIndex(indexName);
            }
        }
        if (request.has("GlobalSecondaryIndexUpdates")) {
            ObjectNode definition = (ObjectNode) definitions.get(table.name());
            rememberIndexes(table, definition);
        }
        TableSettings settings = table.settings();
        String billing = Requests.optionalString(request, "BillingMode").orElse(settings.billingMode());
        JsonNode throughput = request.path("ProvisionedThroughput");
        table.settings(new TableSettings(billing, throughput.path("ReadCapacityUnits").asLong(settings.readCapacity()),
                throughput.path("WriteCapacityUnits").asLong(settings.writeCapacity()), view, settings.pointInTimeRecovery(), settings.tags()));
        if (!stream.isMissingNode()) {
            boolean wasOn = settings.streamViewType().isPresent();
            if (view.isPresent() && !wasOn) {
                table.stream(Optional.of(newStream(table, view.get())));
            } else if (view.isEmpty() && wasOn) {
                table.stream(Optional.empty());
            }
        }
        persist(table);
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = description(table);
        if (request.has("GlobalSecondaryIndexUpdates")) {
            // As DynamoDB answers: the table UPDATING, a new index CREATING (this engine fills it before answering).
            description.put("TableStatus", "UPDATING");
            java.util.Set<String> created = new java.util.HashSet<>();
            request.path("GlobalSecondaryIndexUpdates").forEach(change -> created.add(change.path("Create").path("IndexName").asText()));
            description.path("GlobalSecondaryIndexes").forEach(index -> {
                if (created.contains(index.path("IndexName").asText())) {
                    ((ObjectNode) index).put("IndexStatus", "CREATING").put("Backfilling", true);
                }
            });
        }
        answer.set("TableDescription", description);
        return answer;
    }

    /**
     * A throughput change must be one: none on a table billed per request (unless the request
     * makes it PROVISIONED), and not the values the table has, refused in DynamoDB's words
     * (dynalite's suite records them), before anything changes.
     */
    private static void checkThroughputChange(JsonNode request, Table table) {
        JsonNode throughput = request.path("ProvisionedThroughput");
        if (throughput.isMissingNode() || throughput.isNull()) {
            return;
        }
        String billing = Requests.optionalString(request, "BillingMode").orElse(table.settings().billingMode());
        if (billing.equals("PAY_PER_REQUEST")) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }
        long read = throughput.path("ReadCapacityUnits").asLong();
        long write = throughput.path("WriteCapacityUnits").asLong();
        TableSettings settings = table.settings();
        if (settings.billingMode().equals("PROVISIONED") && read == settings.readCapacity() && write == settings.writeCapacity()) {
            throw DynamoDbException.validation("The provisioned throughput for the table will not change. The requested value equals the current value. "
                    + "Current ReadCapacityUnits provisioned for the table: " + settings.readCapacity() + ". Requested ReadCapacityUnits: " + read + ". "
                    + "Current WriteCapacityUnits provisioned for the table: " + settings.writeCapacity() + ". Requested WriteCapacityUnits: " + write + ". "
                    + "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
        }
    }

    ObjectNode describeTimeToLive(JsonNode request) {
        Table table = table(request);
        Map<String, String> ttl = timeToLive.getOrDefault(table.name(), Map.of());
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = answer.putObject("TimeToLiveDescription");
        if (ttl.isEmpty()) {
            description.put("TimeToLiveStatus", "DISABLED");
        } else {
            description.put("TimeToLiveStatus", "ENABLED").put("AttributeName", ttl.get("AttributeName"));
        }
        return answer;
    }

    ObjectNode updateTimeToLive(JsonNode request) {
        Table table = table(request);
        JsonNode specification = request.path("TimeToLiveSpecification");
        if (specification.path("Enabled").asBoolean(false)) {
            timeToLive.put(table.name(), Map.of("AttributeName", specification.path("AttributeName").asText()));
        } else {
            timeToLive.remove(table.name());
        }
        persist(table);
        ObjectNode answer = JsonTrees.object();
        answer.set("TimeToLiveSpecification", specification.deepCopy());
        return answer;
    }

    ObjectNode describeContinuousBackups(JsonNode request) {
        return backups(table(request));
    }

    ObjectNode updateContinuousBackups(JsonNode request) {
        Table table = table(request);
        boolean enabled = request.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false);
        TableSettings settings = table.settings();
        table.settings(new TableSettings(settings.billingMode(), settings.readCapacity(), settings.writeCapacity(), settings.streamViewType(),
                enabled, settings.tags()));
        persist(table);
        return backups(table);
    }

    private static ObjectNode backups(Table table) {
        ObjectNode answer = JsonTrees.object();
        ObjectNode description = answer.putObject("ContinuousBackupsDescription").put("ContinuousBackupsStatus", "ENABLED");
        description.putObject("PointInTimeRecoveryDescription")
                .put("PointInTimeRecoveryStatus", table.settings().pointInTimeRecovery() ? "ENABLED" : "DISABLED");
        return answer;
    }

    /** The table a tagging call names; DynamoDB's typo "ResourcArn" is in its message, as dynalite's suite records it. */
    private Table byArn(JsonNode request, String operation, Runnable requiredMembers, Runnable nonEmpty, boolean namedInMessage) {
        String name = Tagging.tableOf(request, operation, requiredMembers, nonEmpty);
        Table table = catalog.get(name);
        if (table == null) {
            throw DynamoDbException.notFound(namedInMessage
                    ? "Requested resource not found: ResourcArn: " + request.get("ResourceArn").asText() + " not found"
                    : "Requested resource not found");
        }
        return table;
    }

    ObjectNode tag(JsonNode request) {
        Table table = byArn(request, "TagResource", () -> {
            if (!request.hasNonNull("Tags")) {
                throw DynamoDbException.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
            }
        }, () -> {
            if (request.get("Tags").isEmpty()) {
                throw DynamoDbException.validation("Atleast one Tag needs to be provided as Input.");
            }
        }, true);
        Map<String, String> tags = new LinkedHashMap<>(table.settings().tags());
        tags.putAll(Tagging.read(request.get("Tags")));
        Tagging.checkCount(tags);
        retag(table, tags);
        return null;
    }

    ObjectNode untag(JsonNode request) {
        Table table = byArn(request, "UntagResource", () -> {
            if (!request.hasNonNull("TagKeys")) {
                throw DynamoDbException.validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
            }
        }, () -> {
            if (request.get("TagKeys").isEmpty()) {
                throw DynamoDbException.validation("Atleast one Tag Key needs to be provided as Input.");
            }
        }, false);
        Map<String, String> tags = new LinkedHashMap<>(table.settings().tags());
        // Removing a key the table does not have is no error (API reference, UntagResource).
        request.get("TagKeys").forEach(key -> tags.remove(key.asText()));
        retag(table, tags);
        return null;
    }

    private void retag(Table table, Map<String, String> tags) {
        TableSettings settings = table.settings();
        table.settings(new TableSettings(settings.billingMode(), settings.readCapacity(), settings.writeCapacity(), settings.streamViewType(),
                settings.pointInTimeRecovery(), tags));
        persist(table);
    }

    ObjectNode listTags(JsonNode request) {
        Table table = byArn(request, "ListTagsOfResource", () -> {}, () -> {}, true);
        ObjectNode answer = JsonTrees.object();
        ArrayNode tags = answer.putArray("Tags");
        new java.util.TreeMap<>(table.settings().tags()).forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        return answer;
    }
}
