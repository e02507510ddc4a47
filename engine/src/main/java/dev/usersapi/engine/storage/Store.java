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

    /** Makes every change so far survive the process being killed; returns once it will. */
    void commit();

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

            public void commit() {
            }

            public void close() {
            }
        };
    }
}
