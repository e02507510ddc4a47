package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A secondary index: its key, what it projects (KEYS_ONLY, INCLUDE with its attributes, ALL) and
 * its entries. Sparse: an item without the index key, or with it of another type, is not in it.
 */
public final class Index {
    public enum Kind { GLOBAL, LOCAL }

    private final String name;
    private final Kind kind;
    private final KeySchema key;
    private final String projectionType;
    private final List<String> nonKeyAttributes;
    /** Replaced once, by {@link #loadAll}, before its table is published to other threads. */
    private ConcurrentSkipListMap<StorageKey, Map<String, Value>> entries = new ConcurrentSkipListMap<>();

    public Index(String name, Kind kind, KeySchema key, String projectionType, List<String> nonKeyAttributes) {
        this.name = name;
        this.kind = kind;
        this.key = key;
        this.projectionType = projectionType;
        this.nonKeyAttributes = List.copyOf(nonKeyAttributes);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public KeySchema key() {
        return key;
    }

    public String projectionType() {
        return projectionType;
    }

    public List<String> nonKeyAttributes() {
        return nonKeyAttributes;
    }

    public ConcurrentSkipListMap<StorageKey, Map<String, Value>> entries() {
        return entries;
    }

    /** The index's copy of an item: its keys and the table's keys, and what the projection adds. */
    Map<String, Value> project(Map<String, Value> item, KeySchema tableKey) {
        if (projectionType.equals("ALL")) {
            return item;
        }
        Map<String, Value> projected = new LinkedHashMap<>();
        item.forEach((attribute, value) -> {
            boolean keep = key.isKeyAttribute(attribute) || tableKey.isKeyAttribute(attribute)
                    || (projectionType.equals("INCLUDE") && nonKeyAttributes.contains(attribute));
            if (keep) {
                projected.put(attribute, value);
            }
        });
        return projected;
    }

    /** Where an item, or a start key holding the index's and the table's keys, sits in the index's order. */
    public Optional<StorageKey> storageKey(Map<String, Value> item, KeySchema tableKey) {
        if (tableKey.keyOf(item).isEmpty()) {
            return Optional.empty();
        }
        if (key.isMultiAttribute()) {
            return key.keyOf(item).map(indexKey -> StorageKey.inIndex(key.partitionOf(indexKey), key.sortOf(indexKey),
                    item.get(tableKey.hashName()), tableKey.rangeName().map(item::get)));
        }
        return key.keyOf(item).map(indexKey -> StorageKey.inIndex(indexKey.get(key.hashName()),
                key.rangeName().map(indexKey::get), item.get(tableKey.hashName()), tableKey.rangeName().map(item::get)));
    }

    void remove(Map<String, Value> item, KeySchema tableKey) {
        storageKey(item, tableKey).ifPresent(entries::remove);
    }

    /** Items read back from the store, added in index-key order (see {@link Table#loadAll}). */
    void loadAll(List<Table.Loaded> items, KeySchema tableKey) {
        List<Map.Entry<StorageKey, Map<String, Value>>> rows = new java.util.ArrayList<>(items.size());
        for (Table.Loaded loaded : items) {
            // The key and projected attributes were read at open; ALL keeps the item itself, still undecoded.
            storageKey(loaded.indexed(), tableKey).ifPresent(storage -> rows.add(Map.entry(storage,
                    projectionType.equals("ALL") ? loaded.item() : project(loaded.indexed(), tableKey))));
        }
        entries = Table.inKeyOrder(rows);
    }

    void add(Map<String, Value> item, KeySchema tableKey) {
        storageKey(item, tableKey).ifPresent(storage -> entries.put(storage, project(item, tableKey)));
    }

    /** The index's copy of an item, as it stores it. */
    public Map<String, Value> projectionOf(Map<String, Value> item, KeySchema tableKey) {
        return project(item, tableKey);
    }

    public ConcurrentNavigableMap<StorageKey, Map<String, Value>> partition(Value hash) {
        return entries.subMap(StorageKey.partitionStart(hash), true, StorageKey.partitionEnd(hash), true);
    }
}
