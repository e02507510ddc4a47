package dev.usersapi.engine.storage;

import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Tables in one H2 MVStore file. Each acknowledged write is committed before the engine answers:
 * the commit writes the change to the file, so it survives a kill of the process (SIGKILL); an
 * operating-system crash or power loss may lose the writes of the last second, which the OS has
 * not yet flushed (the file is not fsynced per write). Concurrent writers share commits.
 */
public final class DiskStore implements Store {
    private final MVStore store;
    private final MVMap<String, String> tables;

    private DiskStore(MVStore store) {
        this.store = store;
        this.tables = store.openMap("tables");
    }

    public static DiskStore open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the engine's data directory " + directory, e);
        }
        MVStore store = new MVStore.Builder().fileName(directory.resolve("engine.mv.db").toString())
                .autoCommitDisabled().compress().open();
        return new DiskStore(store);
    }

    private MVMap<String, byte[]> itemsOf(String table) {
        return store.openMap("items/" + table);
    }

    @Override
    public Map<String, String> tables() {
        return Map.copyOf(tables);
    }

    @Override
    public void saveTable(String name, String definition) {
        tables.put(name, definition);
        commit();
    }

    @Override
    public void dropTable(String name) {
        tables.remove(name);
        store.removeMap(itemsOf(name));
        commit();
    }

    @Override
    public Iterable<Map.Entry<String, byte[]>> items(String table) {
        return itemsOf(table).entrySet();
    }

    @Override
    public void put(String table, Map<String, Value> key, Map<String, Value> item) {
        itemsOf(table).put(json(key), json(item).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void remove(String table, Map<String, Value> key) {
        itemsOf(table).remove(json(key));
    }

    private static String json(Map<String, Value> attributes) {
        return AttributeValues.write(attributes).toString();
    }

    @Override
    public void commit() {
        synchronized (store) {
            store.commit();
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
