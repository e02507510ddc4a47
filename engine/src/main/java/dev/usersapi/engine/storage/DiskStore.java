package dev.usersapi.engine.storage;

import dev.usersapi.engine.value.AttributeValues;
import dev.usersapi.engine.value.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Tables in a RocksDB database. Every write goes to RocksDB's write-ahead log before the engine
 * answers, so an acknowledged write survives a kill of the process (SIGKILL). The log is not
 * fsynced per write: an operating-system crash or power loss can lose what the OS had not yet
 * flushed. Keys: {@code t/<table>} for a table's definition, {@code i/<table>/<key JSON>} for items,
 * {@code s/<stream ARN>/<sequence number>} for stream records.
 *
 * <p>H2's MVStore was tried first: it makes a write durable only by committing a new chunk, and a
 * chunk per acknowledged write grew 20 MB of users into a 466 MB file at 3,400 writes a second.
 */
public final class DiskStore implements Store {
    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writes = new WriteOptions();

    private DiskStore(Options options, RocksDB db) {
        this.options = options;
        this.db = db;
    }

    public static DiskStore open(Path directory) {
        try {
            Files.createDirectories(directory);
            Options options = new Options().setCreateIfMissing(true);
            return new DiskStore(options, RocksDB.open(options, directory.resolve("engine.rocksdb").toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the engine's data directory " + directory, e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open the engine's data in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String itemsPrefix(String table) {
        return "i/" + table + "/";
    }

    private static String json(Map<String, Value> attributes) {
        return dev.usersapi.engine.json.JsonTrees.text(AttributeValues.write(attributes));
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> tables = new LinkedHashMap<>();
        scan("t/", (key, value) -> tables.put(key.substring(2), new String(value, StandardCharsets.UTF_8)));
        return tables;
    }

    @Override
    public void saveTable(String name, String definition) {
        write(() -> db.put(writes, bytes("t/" + name), bytes(definition)));
    }

    @Override
    public void dropTable(String name) {
        byte[] from = bytes(itemsPrefix(name));
        byte[] to = Arrays.copyOf(from, from.length);
        to[to.length - 1]++;
        write(() -> {
            db.deleteRange(writes, from, to);
            db.delete(writes, bytes("t/" + name));
        });
    }

    @Override
    public Iterable<Map.Entry<String, byte[]>> items(String table) {
        List<Map.Entry<String, byte[]>> items = new ArrayList<>();
        String prefix = itemsPrefix(table);
        scan(prefix, (key, value) -> items.add(Map.entry(key.substring(prefix.length()), value)));
        return items;
    }

    private void scan(String prefix, java.util.function.BiConsumer<String, byte[]> each) {
        byte[] start = bytes(prefix);
        try (RocksIterator iterator = db.newIterator()) {
            for (iterator.seek(start); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (key.length < start.length || !Arrays.equals(key, 0, start.length, start, 0, start.length)) {
                    break;
                }
                each.accept(new String(key, StandardCharsets.UTF_8), iterator.value());
            }
        }
    }

    @Override
    public void put(String table, Map<String, Value> key, Map<String, Value> item) {
        write(() -> db.put(writes, bytes(itemsPrefix(table) + json(key)), bytes(json(item))));
    }

    @Override
    public void remove(String table, Map<String, Value> key) {
        write(() -> db.delete(writes, bytes(itemsPrefix(table) + json(key))));
    }

    private static String recordsPrefix(String stream) {
        return "s/" + stream + "/";
    }

    @Override
    public void putRecord(String stream, String sequence, byte[] record) {
        write(() -> db.put(writes, bytes(recordsPrefix(stream) + sequence), record));
    }

    @Override
    public Iterable<Map.Entry<String, byte[]>> records(String stream) {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        String prefix = recordsPrefix(stream);
        scan(prefix, (key, value) -> records.add(Map.entry(key.substring(prefix.length()), value)));
        return records;
    }

    @Override
    public void removeRecords(String stream, String throughSequence) {
        byte[] from = bytes(recordsPrefix(stream));
        byte[] to = bytes(recordsPrefix(stream) + throughSequence + "\u0000");
        write(() -> db.deleteRange(writes, from, to));
    }

    private interface Write {
        void run() throws RocksDBException;
    }

    private static void write(Write write) {
        try {
            write.run();
        } catch (RocksDBException e) {
            throw new IllegalStateException("the engine could not write its data: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writes.close();
        db.close();
        options.close();
    }
}
