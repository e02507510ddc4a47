package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's or an index's key: the partition key, and the sort key when there is one, each with its type (S, N or B).
 *
 * <p>A global secondary index may have multi-attribute keys (developer guide, "Multi-attribute key
 * schema", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys):
 * up to four attributes in its partition key and up to four in its sort key, in the order the
 * KeySchema lists them. Such a key keeps all its attributes in {@code hashParts} and {@code rangeParts};
 * {@code hashName} and {@code rangeName} are then its first ones. Its partition and sort values are
 * tuples ({@link #partitionOf}, {@link #sortOf}), ordered attribute by attribute.
 */
public record KeySchema(String hashName, String hashType, Optional<String> rangeName, Optional<String> rangeType,
        List<Part> hashParts, List<Part> rangeParts) {

    /** One attribute of a key and its type. */
    public record Part(String name, String type) {}

    public KeySchema {
        hashParts = List.copyOf(hashParts);
        rangeParts = List.copyOf(rangeParts);
    }

    /** A key of one partition attribute and at most one sort attribute: every table's, and most indexes'. */
    public KeySchema(String hashName, String hashType, Optional<String> rangeName, Optional<String> rangeType) {
        this(hashName, hashType, rangeName, rangeType, List.of(new Part(hashName, hashType)),
                rangeName.map(range -> List.of(new Part(range, rangeType.orElseThrow()))).orElse(List.of()));
    }

    /** A key of several partition or sort attributes (only a global secondary index has one). */
    public static KeySchema of(List<Part> hashParts, List<Part> rangeParts) {
        if (hashParts.size() == 1 && rangeParts.size() <= 1) {
            Optional<Part> range = rangeParts.stream().findFirst();
            return new KeySchema(hashParts.get(0).name(), hashParts.get(0).type(), range.map(Part::name), range.map(Part::type));
        }
        Optional<Part> range = rangeParts.stream().findFirst();
        return new KeySchema(hashParts.get(0).name(), hashParts.get(0).type(), range.map(Part::name), range.map(Part::type), hashParts, rangeParts);
    }

    /** Whether the partition or the sort key has more than one attribute. */
    public boolean isMultiAttribute() {
        return hashParts.size() > 1 || rangeParts.size() > 1;
    }

    /** The key's attribute names, partition key first. */
    public java.util.List<String> names() {
        if (isMultiAttribute()) {
            List<String> names = new ArrayList<>();
            hashParts.forEach(part -> names.add(part.name()));
            rangeParts.forEach(part -> names.add(part.name()));
            return List.copyOf(names);
        }
        return rangeName.map(range -> java.util.List.of(hashName, range)).orElse(java.util.List.of(hashName));
    }

    public boolean isKeyAttribute(String name) {
        if (isMultiAttribute()) {
            return names().contains(name);
        }
        return hashName.equals(name) || rangeName.filter(name::equals).isPresent();
    }

    /** The key attributes of an item, or empty when the item lacks one (an index then leaves it out). */
    public Optional<Map<String, Value>> keyOf(Map<String, Value> item) {
        if (isMultiAttribute()) {
            // Sparse: an item missing any key attribute, or holding one of another type, is not in the index.
            Map<String, Value> key = new LinkedHashMap<>();
            for (List<Part> parts : List.of(hashParts, rangeParts)) {
                for (Part part : parts) {
                    Value value = item.get(part.name());
                    if (value == null || !value.type().equals(part.type())) {
                        return Optional.empty();
                    }
                    key.put(part.name(), value);
                }
            }
            return Optional.of(key);
        }
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

    /**
     * The partition value of a key: the partition attribute's value, or, for a multi-attribute
     * key, the tuple of its attributes' values (a list, which {@code Ordering.compareKeys} orders
     * element by element); null when an attribute is missing.
     */
    public Value partitionOf(Map<String, Value> key) {
        return isMultiAttribute() ? tuple(hashParts, key) : key.get(hashName);
    }

    /** The sort value of a key, as {@link #partitionOf}: empty without a sort key. */
    public Optional<Value> sortOf(Map<String, Value> key) {
        if (isMultiAttribute()) {
            return rangeParts.isEmpty() ? Optional.empty() : Optional.ofNullable(tuple(rangeParts, key));
        }
        return rangeName.map(key::get);
    }

    private static Value tuple(List<Part> parts, Map<String, Value> key) {
        List<Value> values = new ArrayList<>(parts.size());
        for (Part part : parts) {
            Value value = key.get(part.name());
            if (value == null) {
                return null;
            }
            values.add(value);
        }
        return new Value.L(values);
    }
}
