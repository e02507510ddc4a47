package dev.usersapi.engine.storage;

import dev.usersapi.engine.value.Value;
import java.util.Map;

/**
 * Where tables live between runs: nowhere ({@link #inMemory()}), or on disk ({@link DiskStore}).
 * Items are stored as DynamoDB JSON under their key's JSON, table definitions as JSON by name.
 */
public interface Store extends AutoCloseable {
    /** Table name to its saved definition. */
    Map<String, String> tables();

    void saveTable(String name, String definition);

    /**
     * Drops a table's definition and items, in one atomic write with {@code retired}: its streams
     * (ARN to their description) kept with their records after the table, DISABLED, for 24 hours.
     */
    void dropTable(String name, Map<String, String> retired);

    /** The streams of deleted tables still kept: ARN to the description {@link #dropTable} saved. */
    Map<String, String> retiredStreams();

    /** Drops a stream that is gone: its records, and its description if a deleted table left it. */
    void dropStream(String stream);

    /** An item as stored: the store's own key for it, to read it again, and the item as DynamoDB JSON. */
    record Row(byte[] key, byte[] item) {}

    /** Hands over a table's stored items one at a time, so no more than one is in memory for it. */
    void items(String table, java.util.function.Consumer<Row> each);

    /** The item stored under a row's key now, if any. */
    java.util.Optional<byte[]> item(byte[] rowKey);

    /**
     * Writes that reach the store as one: after a crash, all of them are there or none. What is
     * added is encoded at once, so a writer can fill a batch before it takes the locks the write
     * itself needs.
     */
    interface Batch extends AutoCloseable {
        /** {@code leading}: the attributes to write first, those a reopen reads (see {@code AttributeValues.storedAttributes}). */
        void put(String table, Map<String, Value> key, Map<String, Value> item, java.util.Collection<String> leading);

        void remove(String table, Map<String, Value> key);

        /**
         * A stream record, filed under its stream and its (fixed-width) sequence number: its header
         * (what a reopen needs) apart from the whole record (what a reader needs), so a reopen reads
         * the headers only.
         */
        void putRecord(String stream, String sequence, byte[] header, byte[] record);

        @Override
        void close();
    }

    /** A new, empty batch of this store's. */
    Batch batch();

    /**
     * Writes the batch as one atomic write, in the store for good (in RocksDB's write-ahead log)
     * on return: an item's change with its stream record, a transaction's changes with theirs.
     */
    void write(Batch batch);

    /** A stream's record headers, in sequence order. */
    Iterable<Map.Entry<String, byte[]>> recordHeaders(String stream);

    /** One whole stream record. */
    java.util.Optional<byte[]> record(String stream, String sequence);

    /** Drops a stream's records up to and including {@code sequence}: the trimmed ones. */
    void removeRecords(String stream, String throughSequence);

    /** Whether what is put here is kept: an engine in memory need not encode what it would throw away. */
    default boolean durable() {
        return true;
    }

    @Override
    void close();

    static Store inMemory() {
        return new Store() {
            public boolean durable() {
                return false;
            }

            public Map<String, String> tables() {
                return Map.of();
            }

            public void saveTable(String name, String definition) {
            }

            public void dropTable(String name, Map<String, String> retired) {
            }

            public Map<String, String> retiredStreams() {
                return Map.of();
            }

            public void dropStream(String stream) {
            }

            public void items(String table, java.util.function.Consumer<Row> each) {
            }

            public java.util.Optional<byte[]> item(byte[] rowKey) {
                return java.util.Optional.empty();
            }

            public Batch batch() {
                return new Batch() {
                    public void put(String table, Map<String, Value> key, Map<String, Value> item, java.util.Collection<String> leading) {
                    }

                    public void remove(String table, Map<String, Value> key) {
                    }

                    public void putRecord(String stream, String sequence, byte[] header, byte[] record) {
                    }

                    public void close() {
                    }
                };
            }

            public void write(Batch batch) {
            }

            public Iterable<Map.Entry<String, byte[]>> recordHeaders(String stream) {
                return java.util.List.of();
            }

            public java.util.Optional<byte[]> record(String stream, String sequence) {
                return java.util.Optional.empty();
            }

            public void removeRecords(String stream, String throughSequence) {
            }

            public void close() {
            }
        };
    }
}
