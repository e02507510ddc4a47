package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Ordering;
import dev.usersapi.engine.value.Value;
import java.util.Optional;

/**
 * Where an item sits in a table or an index: partitions in the order of a hash of their key (a
 * scan walks them in an order that says nothing of the values, as DynamoDB's does), then the sort
 * key in DynamoDB's order, then, in an index, the table's own key to tell equal index keys apart.
 * {@code bound} makes the lowest and highest keys of a partition, for range reads.
 */
public record StorageKey(long token, Value hash, Optional<Value> range, Optional<Value> tableHash, Optional<Value> tableRange, int bound)
        implements Comparable<StorageKey> {

    private static int compareOptional(Optional<Value> a, Optional<Value> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isPresent(), b.isPresent());
        }
        return Ordering.compareKeys(a.get(), b.get());
    }

    static StorageKey of(Value hash, Optional<Value> range) {
        return new StorageKey(token(hash), hash, range, Optional.empty(), Optional.empty(), 0);
    }

    static StorageKey inIndex(Value hash, Optional<Value> range, Value tableHash, Optional<Value> tableRange) {
        return new StorageKey(token(hash), hash, range, Optional.of(tableHash), tableRange, 0);
    }

    static StorageKey partitionStart(Value hash) {
        return new StorageKey(token(hash), hash, Optional.empty(), Optional.empty(), Optional.empty(), -1);
    }

    static StorageKey partitionEnd(Value hash) {
        return new StorageKey(token(hash), hash, Optional.empty(), Optional.empty(), Optional.empty(), 1);
    }

    /**
     * The partition's place in scan order: its value's hash, spread over 64 bits (SplitMix64's
     * finalizer). Java's hash codes of strings, numbers and byte arrays are specified, so the order
     * is the same in every run and after a reopen.
     */
    private static long token(Value hash) {
        long z = (hash.type().hashCode() * 31L + hash.hashCode()) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Spelled out, as {@link Value}'s are: a record's own equals and hashCode are linked at first call, slowly. */
    @Override
    public boolean equals(Object other) {
        return other instanceof StorageKey that && token == that.token && bound == that.bound && hash.equals(that.hash)
                && range.equals(that.range) && tableHash.equals(that.tableHash) && tableRange.equals(that.tableRange);
    }

    @Override
    public int hashCode() {
        int result = Long.hashCode(token);
        result = 31 * result + hash.hashCode();
        result = 31 * result + range.hashCode();
        result = 31 * result + tableHash.hashCode();
        result = 31 * result + tableRange.hashCode();
        return 31 * result + bound;
    }

    @Override
    public int compareTo(StorageKey other) {
        int order = Long.compareUnsigned(token, other.token);
        if (order != 0) {
            return order;
        }
        // Equal tokens almost always mean one partition: an equality test (intrinsic) spares the ordered compare.
        if (!hash.equals(other.hash)) {
            order = Ordering.compareKeys(hash, other.hash);
            if (order != 0) {
                return order;
            }
        }
        if (bound != 0 || other.bound != 0) {
            return Integer.compare(bound, other.bound);
        }
        order = compareOptional(range, other.range);
        if (order != 0) {
            return order;
        }
        order = compareOptional(tableHash, other.tableHash);
        return order != 0 ? order : compareOptional(tableRange, other.tableRange);
    }
}
