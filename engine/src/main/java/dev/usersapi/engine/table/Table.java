package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A table's items and indexes. Reads take no lock: items are immutable and replaced whole. A
 * write holds the lock of its item's stripe while it reads, checks, replaces and re-indexes, so
 * single-item writes are atomic and two conditional writes of one item are serialized.
 */
public final class Table {
    private static final int STRIPES = 1024;
    /** DynamoDB's limit on an item collection of a table with local secondary indexes (developer guide, "Item collections in Local Secondary Indexes"). */
    public static final long ITEM_COLLECTION_LIMIT_BYTES = 10L * 1024 * 1024 * 1024;
    /**
     * Collections from this size on keep a running total; smaller ones are summed when written,
     * so a table of one-item partitions (users by id) spends no memory on totals.
     */
    private static final long COUNTED_FROM_BYTES = 64 * 1024;

    private final String name;
    private final KeySchema key;
    private volatile Map<String, String> attributeTypes;
    private volatile List<Index> indexes;
    private volatile java.util.Set<String> indexedAttributes;
    private final Instant created;
    /** Replaced once, by {@link #loadAll}, before the table is published to other threads. */
    private ConcurrentSkipListMap<StorageKey, Map<String, Value>> items = new ConcurrentSkipListMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private volatile TableSettings settings;
    /** The table's latest stream, and whether it records: a disabled stream stays readable for 24 hours. */
    private volatile Optional<dev.usersapi.engine.stream.TableStream> stream = Optional.empty();
    private volatile boolean streaming;
    private volatile List<dev.usersapi.engine.stream.TableStream> replaced = List.of();
    private final dev.usersapi.engine.storage.Store store;
    private final long itemCollectionLimit;
    private final boolean hasLocalIndexes;
    private final java.util.concurrent.ConcurrentHashMap<Value, Long> collectionSizes = new java.util.concurrent.ConcurrentHashMap<>();

    public Table(String name, KeySchema key, Map<String, String> attributeTypes, List<Index> indexes, Instant created, TableSettings settings,
                 dev.usersapi.engine.storage.Store store, long itemCollectionLimit) {
        this.store = store;
        this.itemCollectionLimit = itemCollectionLimit;
        this.name = name;
        this.key = key;
        this.attributeTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributeTypes));
        this.indexes = List.copyOf(indexes);
        this.indexedAttributes = indexedAttributesOf(this.indexes);
        this.hasLocalIndexes = this.indexes.stream().anyMatch(index -> index.kind() == Index.Kind.LOCAL);
        this.created = created;
        this.settings = settings;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public String name() {
        return name;
    }

    public KeySchema key() {
        return key;
    }

    public Map<String, String> attributeTypes() {
        return attributeTypes;
    }

    public List<Index> indexes() {
        return indexes;
    }

    /**
     * Adds a global secondary index and fills it from the items there now. Every write stripe is
     * held meanwhile, so no write slips between the fill and the index going live.
     */
    public void addIndex(Index index, Map<String, String> newAttributeTypes) {
        for (ReentrantLock stripe : stripes) {
            stripe.lock();
        }
        try {
            items.values().forEach(item -> index.add(item, key));
            List<Index> more = new java.util.ArrayList<>(indexes);
            more.add(index);
            Map<String, String> types = new java.util.LinkedHashMap<>(attributeTypes);
            types.putAll(newAttributeTypes);
            attributeTypes = java.util.Collections.unmodifiableMap(types);
            indexes = List.copyOf(more);
            indexedAttributes = indexedAttributesOf(indexes);
        } finally {
            for (ReentrantLock stripe : stripes) {
                stripe.unlock();
            }
        }
    }

    /** Drops an index, and the attribute definitions only it used, as DynamoDB's description then shows them. */
    public void removeIndex(String indexName) {
        List<Index> left = indexes.stream().filter(index -> !index.name().equals(indexName)).toList();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (KeySchema schema : java.util.stream.Stream.concat(java.util.stream.Stream.of(key), left.stream().map(Index::key)).toList()) {
            used.addAll(schema.names());
        }
        Map<String, String> types = new java.util.LinkedHashMap<>(attributeTypes);
        types.keySet().retainAll(used);
        attributeTypes = java.util.Collections.unmodifiableMap(types);
        indexes = left;
        indexedAttributes = indexedAttributesOf(left);
    }

    public Optional<Index> index(String indexName) {
        return indexes.stream().filter(index -> index.name().equals(indexName)).findFirst();
    }

    public Instant created() {
        return created;
    }

    public TableSettings settings() {
        return settings;
    }

    public void settings(TableSettings settings) {
        this.settings = settings;
    }

    public long itemCount() {
        return items.size();
    }

    /** Where an item with these key attributes sits in the table's order. */
    public StorageKey storageKeyOf(Map<String, Value> keyAttributes) {
        return storageKey(keyAttributes);
    }

    /** Every item, partition by partition. */
    public ConcurrentNavigableMap<StorageKey, Map<String, Value>> items() {
        return items;
    }

    StorageKey storageKey(Map<String, Value> keyAttributes) {
        return StorageKey.of(keyAttributes.get(key.hashName()), key.rangeName().map(keyAttributes::get));
    }

    public Optional<Map<String, Value>> get(Map<String, Value> keyAttributes) {
        return Optional.ofNullable(items.get(storageKey(keyAttributes)));
    }

    /** What a write does to one item, given what is there now: the new item, or empty to delete it. */
    public interface Change {
        Optional<Map<String, Value>> apply(Optional<Map<String, Value>> current);
    }

    /** The item before and after one atomic write. */
    public record Written(Optional<Map<String, Value>> before, Optional<Map<String, Value>> after) {}

    public Written write(Map<String, Value> keyAttributes, Change change) {
        return write(keyAttributes, change, Optional.empty());
    }

    /** {@code principal}: the service that made the change (TTL's deletions), as the stream record's userIdentity names it. */
    public Written write(Map<String, Value> keyAttributes, Change change, Optional<String> principal) {
        ReentrantLock lock = lockOf(keyAttributes);
        Written written;
        lock.lock();
        try {
            written = applyLocked(keyAttributes, change, principal);
        } finally {
            lock.unlock();
        }
        return written;
    }

    /** The lock that serializes writes of this item (and of the others of its stripe). */
    public ReentrantLock lockOf(Map<String, Value> keyAttributes) {
        return stripes[Math.floorMod(storageKey(keyAttributes).hashCode(), STRIPES)];
    }

    /** The stripe number of an item: transactions take their items' locks in this order, so two never wait on each other. */
    public int stripeOf(Map<String, Value> keyAttributes) {
        return Math.floorMod(storageKey(keyAttributes).hashCode(), STRIPES);
    }

    /**
     * One write, with {@link #lockOf} held by the caller. The store has it durably (in RocksDB's
     * write-ahead log) on return, with its stream record in the same atomic write. Refused with
     * ItemCollectionSizeLimitExceededException, changing nothing, if it would grow its item
     * collection past the limit.
     */
    public Written applyLocked(Map<String, Value> keyAttributes, Change change, Optional<String> principal) {
        Pending pending = prepare(keyAttributes, change, principal, true);
        commit(List.of(pending));
        return pending.written();
    }

    /**
     * A transaction's write, with its lock held, after {@link #collectionsPastLimit} found none
     * for the whole transaction: made, not yet written; {@link #commit} writes the transaction's
     * changes together.
     */
    public Pending prepareChecked(Map<String, Value> keyAttributes, Optional<Map<String, Value>> after) {
        return prepare(keyAttributes, ignored -> after, Optional.empty(), false);
    }

    /** One item's change, made and checked under the item's lock, not yet written or seen. */
    public record Pending(Table table, Map<String, Value> key, Written written, Optional<String> principal) {
        boolean changes() {
            return !written.before().equals(written.after());
        }
    }

    private Pending prepare(Map<String, Value> keyAttributes, Change change, Optional<String> principal, boolean enforceLimit) {
        Optional<Map<String, Value>> before = Optional.ofNullable(items.get(storageKey(keyAttributes)));
        before.filter(dev.usersapi.engine.value.StoredItem.class::isInstance)
                .ifPresent(left -> ((dev.usersapi.engine.value.StoredItem) left).settle());
        Optional<Map<String, Value>> after = change.apply(before);
        Pending pending = new Pending(this, keyAttributes, new Written(before, after), principal);
        if (pending.changes() && hasLocalIndexes()) {
            long growth = collectionBytes(after) - collectionBytes(before);
            collectionSizes.compute(keyAttributes.get(key.hashName()), (hash, counted) -> {
                long size = (counted != null ? counted : collectionSizeNow(hash)) + growth;
                if (enforceLimit && growth > 0 && size > itemCollectionLimit) {
                    throw itemCollectionTooLarge();
                }
                return size >= COUNTED_FROM_BYTES ? size : null;
            });
        }
        return pending;
    }

    /**
     * Writes changes, with their items' locks held, as one: the items and their stream records
     * reach the store in one atomic write (a RocksDB WriteBatch), so a crash keeps all of them or
     * none, and each change has its record. Only then do readers see them: the streams' locks are
     * held from the records' sequence numbers to the items' going live, so a stream reader never
     * sees a record before the store has it, and records are in the order of their numbers.
     */
    public static void commit(List<Pending> changes) {
        List<Pending> writes = changes.stream().filter(Pending::changes).toList();
        if (writes.isEmpty()) {
            return;
        }
        Map<Table, Optional<dev.usersapi.engine.stream.TableStream>> recording = new java.util.LinkedHashMap<>();
        for (Pending write : writes) {
            recording.computeIfAbsent(write.table(), table -> table.streaming ? table.stream : Optional.empty());
        }
        // Several streams are locked in one order (their ARNs), so two transactions never wait on each other.
        List<dev.usersapi.engine.stream.TableStream> streams = recording.values().stream().flatMap(Optional::stream).distinct()
                .sorted(java.util.Comparator.comparing(dev.usersapi.engine.stream.TableStream::arn)).toList();
        dev.usersapi.engine.storage.Store store = writes.get(0).table().store;
        if (!store.durable()) {
            holding(streams, 0, () -> commitHolding(writes, recording, Optional.empty()));
            return;
        }
        try (dev.usersapi.engine.storage.Store.Batch batch = store.batch()) {
            // The items are encoded before the streams are locked: under those locks only the records are made and the batch written.
            for (Pending write : writes) {
                Table table = write.table();
                Optional<Map<String, Value>> after = write.written().after();
                if (after.isPresent()) {
                    batch.put(table.name, table.orderedKey(write.key()), after.get(), table.indexedAttributes());
                } else {
                    batch.remove(table.name, table.orderedKey(write.key()));
                }
            }
            holding(streams, 0, () -> commitHolding(writes, recording, Optional.of(batch)));
        }
    }

    private static void holding(List<dev.usersapi.engine.stream.TableStream> streams, int next, Runnable then) {
        if (next == streams.size()) {
            then.run();
            return;
        }
        synchronized (streams.get(next)) {
            holding(streams, next + 1, then);
        }
    }

    private static void commitHolding(List<Pending> writes, Map<Table, Optional<dev.usersapi.engine.stream.TableStream>> recording,
                                      Optional<dev.usersapi.engine.storage.Store.Batch> batch) {
        record Recorded(dev.usersapi.engine.stream.TableStream stream, dev.usersapi.engine.stream.TableStream.Record record) {}
        List<Recorded> records = new java.util.ArrayList<>();
        try {
            for (Pending write : writes) {
                Table table = write.table();
                recording.get(table).ifPresent(stream -> stream.changed(table.orderedKey(write.key()), write.written().before(),
                        write.written().after(), write.principal()).ifPresent(record -> records.add(new Recorded(stream, record))));
            }
            batch.ifPresent(items -> {
                records.forEach(recorded -> recorded.stream().store(recorded.record(), items));
                writes.get(0).table().store.write(items);
            });
        } catch (RuntimeException e) {
            // Nothing reached the store: the records made for it go, newest first, and no reader has seen them.
            for (int i = records.size() - 1; i >= 0; i--) {
                records.get(i).stream().forget(records.get(i).record());
            }
            throw e;
        }
        writes.forEach(write -> write.table().publish(write));
    }

    /** A written change goes live: the item replaced (or gone) and re-indexed. */
    private void publish(Pending write) {
        StorageKey storage = storageKey(write.key());
        Optional<Map<String, Value>> before = write.written().before();
        Optional<Map<String, Value>> after = write.written().after();
        before.ifPresent(old -> indexes.forEach(index -> index.remove(old, key)));
        if (after.isPresent()) {
            items.put(storage, after.get());
            indexes.forEach(index -> index.add(after.get(), key));
        } else {
            items.remove(storage);
        }
    }

    /** The key attributes, partition key first: the one form the store files a key in. */
    private Map<String, Value> orderedKey(Map<String, Value> keyAttributes) {
        Map<String, Value> ordered = new java.util.LinkedHashMap<>();
        ordered.put(key.hashName(), keyAttributes.get(key.hashName()));
        key.rangeName().ifPresent(range -> ordered.put(range, keyAttributes.get(range)));
        return ordered;
    }

    /** An item read back from the store: its key, index and projected attributes, read at open; the item itself, read when used. */
    public record Loaded(Map<String, Value> indexed, Map<String, Value> item) {}

    /**
     * The attributes a reopen reads of each item: the table's and the indexes' keys, and what
     * INCLUDE projections copy. The store writes them first in each item.
     */
    public java.util.Set<String> indexedAttributes() {
        return indexedAttributes;
    }

    private java.util.Set<String> indexedAttributesOf(List<Index> indexes) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(key.names());
        for (Index index : indexes) {
            names.addAll(index.key().names());
            if (index.projectionType().equals("INCLUDE")) {
                names.addAll(index.nonKeyAttributes());
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Items read back from the store when the engine opens, indexed, not written again, all at once: the table and each index are filled in key
     * order, from the nodes a skip list touched last, rather than item by item at random places
     * (reopening 100,000 users spent half its time on cache misses in the indexes' inserts).
     */
    public void loadAll(List<Loaded> stored) {
        List<Map.Entry<StorageKey, Map<String, Value>>> rows = new java.util.ArrayList<>(stored.size());
        for (Loaded loaded : stored) {
            Map<String, Value> keyAttributes = key.keyOf(loaded.indexed()).orElseThrow(() -> new IllegalStateException("a stored item without its key in " + name));
            rows.add(Map.entry(storageKey(keyAttributes), loaded.item()));
        }
        // The table's skip list is built beside its indexes': each sorts its own rows.
        var table = java.util.concurrent.CompletableFuture.supplyAsync(() -> inKeyOrder(rows));
        indexes.forEach(index -> index.loadAll(stored, key));
        items = table.join();
    }

    /**
     * A skip list of the rows, built in one pass from them sorted (the skip list's constructor from
     * a sorted map links its nodes without a comparison): a third of the time of putting them one by one.
     */
    static ConcurrentSkipListMap<StorageKey, Map<String, Value>> inKeyOrder(List<Map.Entry<StorageKey, Map<String, Value>>> rows) {
        rows.sort(Map.Entry.comparingByKey());
        return new ConcurrentSkipListMap<>(new SortedRows(rows));
    }

    /** Sorted rows seen as the sorted map the skip list's constructor reads: its order and its entries, nothing more. */
    private static final class SortedRows extends java.util.AbstractMap<StorageKey, Map<String, Value>>
            implements java.util.SortedMap<StorageKey, Map<String, Value>> {
        private final List<Map.Entry<StorageKey, Map<String, Value>>> rows;

        SortedRows(List<Map.Entry<StorageKey, Map<String, Value>>> rows) {
            this.rows = rows;
        }

        @Override
        public java.util.Set<Map.Entry<StorageKey, Map<String, Value>>> entrySet() {
            return new java.util.AbstractSet<>() {
                public java.util.Iterator<Map.Entry<StorageKey, Map<String, Value>>> iterator() {
                    return rows.iterator();
                }

                public int size() {
                    return rows.size();
                }
            };
        }

        @Override
        public java.util.Comparator<? super StorageKey> comparator() {
            return null;
        }

        @Override
        public java.util.SortedMap<StorageKey, Map<String, Value>> subMap(StorageKey from, StorageKey to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedMap<StorageKey, Map<String, Value>> headMap(StorageKey to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedMap<StorageKey, Map<String, Value>> tailMap(StorageKey from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StorageKey firstKey() {
            return rows.get(0).getKey();
        }

        @Override
        public StorageKey lastKey() {
            return rows.get(rows.size() - 1).getKey();
        }
    }

    /**
     * Starts recording into a new stream (StreamEnabled true), or stops recording (false). The
     * stream a new one replaces stays listable and readable, disabled, for 24 hours.
     */
    public void stream(Optional<dev.usersapi.engine.stream.TableStream> started) {
        if (started.isPresent()) {
            stream.filter(previous -> previous != started.get()).ifPresent(previous -> {
                List<dev.usersapi.engine.stream.TableStream> kept = new java.util.ArrayList<>(replaced);
                kept.add(previous);
                replaced = List.copyOf(kept);
            });
            stream = started;
            streaming = true;
        } else {
            streaming = false;
            stream.ifPresent(dev.usersapi.engine.stream.TableStream::close);
        }
    }

    public Optional<dev.usersapi.engine.stream.TableStream> stream() {
        return stream;
    }

    /**
     * The streams replaced by later ones and still kept (disabled less than 24 hours ago), oldest
     * first. One found gone takes its records off the disk with it.
     */
    public List<dev.usersapi.engine.stream.TableStream> replacedStreams() {
        List<dev.usersapi.engine.stream.TableStream> seen = replaced;
        List<dev.usersapi.engine.stream.TableStream> kept = seen.stream().filter(earlier -> !earlier.expired()).toList();
        if (kept.size() < seen.size()) {
            replaced = kept;
            seen.stream().filter(dev.usersapi.engine.stream.TableStream::expired).forEach(gone -> store.dropStream(gone.arn()));
        }
        return kept;
    }

    /** The streams replaced by later ones, as a reopen finds them. */
    public void replacedStreams(List<dev.usersapi.engine.stream.TableStream> earlier) {
        replaced = List.copyOf(earlier);
    }

    /**
     * Every stream of the table still kept, oldest first: the replaced ones, then the latest,
     * unless it was disabled 24 hours ago or more (DescribeTable still names it as the latest).
     */
    public List<dev.usersapi.engine.stream.TableStream> streams() {
        List<dev.usersapi.engine.stream.TableStream> all = new java.util.ArrayList<>(replacedStreams());
        stream.filter(latest -> !latest.expired()).ifPresent(all::add);
        return all;
    }

    /** The table's stream with this ARN, if it is still kept. */
    public Optional<dev.usersapi.engine.stream.TableStream> stream(String arn) {
        return streams().stream().filter(each -> each.arn().equals(arn)).findFirst();
    }

    public boolean streaming() {
        return streaming;
    }

    /** Local secondary indexes are made with the table and never added or removed: this is fixed at creation. */
    public boolean hasLocalIndexes() {
        return hasLocalIndexes;
    }

    /**
     * The size of the item collection of partition key {@code hash}: its items and their copies in
     * the local secondary indexes ("the size of all the items in the table, plus the size of all
     * attributes projected into all of the local secondary indexes", API reference, ItemCollectionMetrics).
     */
    public long collectionSize(Value hash) {
        Long counted = collectionSizes.get(hash);
        return counted != null ? counted : collectionSizeNow(hash);
    }

    /**
     * The partition keys whose item collections a transaction's writes to this table, {@code before}
     * and {@code after} item by item, would grow past the limit: checked before any is applied.
     */
    public java.util.Set<Value> collectionsPastLimit(List<Optional<Map<String, Value>>> before, List<Optional<Map<String, Value>>> after) {
        if (!hasLocalIndexes()) {
            return java.util.Set.of();
        }
        Map<Value, Long> growth = new java.util.HashMap<>();
        for (int i = 0; i < before.size(); i++) {
            Optional<Map<String, Value>> earlier = before.get(i);
            Optional<Map<String, Value>> item = after.get(i).or(() -> earlier);
            if (item.isEmpty()) {
                continue;
            }
            growth.merge(item.get().get(key.hashName()), collectionBytes(after.get(i)) - collectionBytes(earlier), Long::sum);
        }
        java.util.Set<Value> past = new java.util.HashSet<>();
        growth.forEach((hash, bytes) -> {
            if (bytes > 0 && collectionSize(hash) + bytes > itemCollectionLimit) {
                past.add(hash);
            }
        });
        return past;
    }

    private long collectionSizeNow(Value hash) {
        long size = 0;
        for (Map<String, Value> item : partition(hash).values()) {
            size += collectionBytes(Optional.of(item));
        }
        return size;
    }

    /** What one item adds to its collection: itself, and its projection into each local index that holds it. */
    private long collectionBytes(Optional<Map<String, Value>> item) {
        if (item.isEmpty()) {
            return 0;
        }
        long size = dev.usersapi.engine.value.ItemSizes.of(item.get());
        for (Index index : indexes) {
            if (index.kind() == Index.Kind.LOCAL && index.storageKey(item.get(), key).isPresent()) {
                size += dev.usersapi.engine.value.ItemSizes.of(index.projectionOf(item.get(), key));
            }
        }
        return size;
    }

    private static DynamoDbException itemCollectionTooLarge() {
        // The API reference's description of the exception, as DynamoDB's message states no more.
        return new DynamoDbException("ItemCollectionSizeLimitExceededException", "Item collection size limit exceeded", 400);
    }

    /** All items, partition by partition, from just after {@code start} when given. */
    public ConcurrentNavigableMap<StorageKey, Map<String, Value>> scan(Optional<Map<String, Value>> exclusiveStart) {
        return exclusiveStart.map(start -> items.tailMap(storageKey(start), false)).orElse(items);
    }

    public ConcurrentNavigableMap<StorageKey, Map<String, Value>> partition(Value hash) {
        return items.subMap(StorageKey.partitionStart(hash), true, StorageKey.partitionEnd(hash), true);
    }

}
