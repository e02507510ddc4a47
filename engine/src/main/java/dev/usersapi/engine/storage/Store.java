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

    void dropTable(String name);

    /** Key JSON to item JSON, for a table. */
    Iterable<Map.Entry<String, byte[]>> items(String table);

    void put(String table, Map<String, Value> key, Map<String, Value> item);

    void remove(String table, Map<String, Value> key);

    /** A stream record, filed under its stream and its (fixed-width) sequence number. */
    void putRecord(String stream, String sequence, byte[] record);

    /** A stream's records, in sequence order. */
    Iterable<Map.Entry<String, byte[]>> records(String stream);

    /** Drops a stream's records up to and including {@code sequence}: the trimmed ones. */
    void removeRecords(String stream, String throughSequence);

    @Override
    void close();

    static Store inMemory() {
        return new Store() {
            public Map<String, String> tables() {
                return Map.of();
            }

            public void saveTable(String name, String definition) {
            }

            public void dropTable(String name) {
            }

            public Iterable<Map.Entry<String, byte[]>> items(String table) {
                return java.util.List.of();
            }

            public void put(String table, Map<String, Value> key, Map<String, Value> item) {
            }

            public void remove(String table, Map<String, Value> key) {
            }

            public void putRecord(String stream, String sequence, byte[] record) {
            }

            public Iterable<Map.Entry<String, byte[]>> records(String stream) {
                return java.util.List.of();
            }

            public void removeRecords(String stream, String throughSequence) {
            }

            public void close() {
            }
        };
    }
}
