package dev.usersapi.engine.table;

import dev.usersapi.engine.value.Ordering;
import dev.usersapi.engine.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where an item sits in a table or an index: partitions in the order of a hash of their key (a
 * scan walks them in an order that says nothing of the values, as DynamoDB's does), then the sort
 * key in DynamoDB's order, then, in an index, the table's own key to tell equal index keys apart.
 * {@code bound} makes the lowest and highest keys of a partition, for range reads.
 */
public record StorageKey(long token, Value hash, Optional<Value> range, Optional<Value> tableHash, Optional<Value> tableRange, int bound)
        implements Comparable<StorageKey> {

    private static final Comparator<Optional<Value>> OPTIONAL_VALUES = (a, b) -> {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isPresent(), b.isPresent());
        }
        return Ordering.KEYS.compare(a.get(), b.get());
    };

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

    private static long token(Value hash) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(hash.type().getBytes(StandardCharsets.US_ASCII));
            if (hash instanceof Value.S s) {
                md5.update(s.value().getBytes(StandardCharsets.UTF_8));
            } else if (hash instanceof Value.N n) {
                md5.update(n.value().toPlainString().getBytes(StandardCharsets.US_ASCII));
            } else if (hash instanceof Value.B b) {
                md5.update(b.value().toArray());
            }
            byte[] digest = md5.digest();
            long token = 0;
            for (int i = 0; i < 8; i++) {
                token = (token << 8) | (digest[i] & 0xff);
            }
            return token;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int compareTo(StorageKey other) {
        int order = Long.compareUnsigned(token, other.token);
        if (order != 0) {
            return order;
        }
        order = Ordering.KEYS.compare(hash, other.hash);
        if (order != 0) {
            return order;
        }
        if (bound != 0 || other.bound != 0) {
            return Integer.compare(bound, other.bound);
        }
        order = OPTIONAL_VALUES.compare(range, other.range);
        if (order != 0) {
            return order;
        }
        order = OPTIONAL_VALUES.compare(tableHash, other.tableHash);
        return order != 0 ? order : OPTIONAL_VALUES.compare(tableRange, other.tableRange);
    }
}
