package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A table's or an index's key: the partition key, and the sort key when there is one, each with its type (S, N or B). */
public record KeySchema(String hashName, String hashType, Optional<String> rangeName, Optional<String> rangeType) {

    /** The key's attribute names, partition key first. */
    public java.util.List<String> names() {
        return rangeName.map(range -> java.util.List.of(hashName, range)).orElse(java.util.List.of(hashName));
    }

    public boolean isKeyAttribute(String name) {
        return hashName.equals(name) || rangeName.filter(name::equals).isPresent();
    }

    /** The key attributes of an item, or empty when the item lacks one (an index then leaves it out). */
    public Optional<Map<String, Value>> keyOf(Map<String, Value> item) {
        Value hash = item.get(hashName);
        if (hash == null || !hash.type().equals(hashType)) {
            return Optional.empty();
        }
        Map<String, Value> key = new LinkedHashMap<>();
        key.put(hashName, hash);
        if (rangeName.isPresent()) {
            Value range = item.get(rangeName.get());
            if (range == null || !range.type().equals(rangeType.get())) {
                return Optional.empty();
            }
            key.put(rangeName.get(), range);
        }
        return Optional.of(key);
    }
}
