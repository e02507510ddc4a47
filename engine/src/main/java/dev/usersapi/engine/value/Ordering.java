package dev.usersapi.engine.value;

import java.util.Comparator;
import java.util.Optional;

/**
 * How DynamoDB orders key values and compares operands: numbers numerically, strings by their
 * UTF-8 bytes unsigned, binaries by bytes unsigned. Values of other types, or of two types,
 * have no order (the comparison is false, as in a condition).
 */
public final class Ordering {
    public static final Comparator<Value> KEYS = Ordering::compareKeys;

    private Ordering() {}

    /** Two key values of one type (N, S or B): the hot path of every table and index, so no boxing. */
    public static int compareKeys(Value left, Value right) {
        if (left instanceof Value.S a && right instanceof Value.S b) {
            return compareUtf8(a.value(), b.value());
        }
        if (left instanceof Value.N a && right instanceof Value.N b) {
            return a.value().compareTo(b.value());
        }
        if (left instanceof Value.B a && right instanceof Value.B b) {
            return a.value().compareTo(b.value());
        }
        if (left instanceof Value.L a && right instanceof Value.L b) {
            return compareTuples(a.values(), b.values());
        }
        throw new IllegalArgumentException("key values of types " + left.type() + " and " + right.type());
    }

    /**
     * A multi-attribute key of a global secondary index: attribute by attribute, each in its
     * type's order (developer guide, "Multi-attribute key schema": items are sorted by the first
     * sort key attribute, then by the second, and so on).
     */
    private static int compareTuples(java.util.List<Value> left, java.util.List<Value> right) {
        int common = Math.min(left.size(), right.size());
        for (int k = 0; k < common; k++) {
            int order = compareKeys(left.get(k), right.get(k));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.size(), right.size());
    }

    public static Optional<Integer> compare(Value left, Value right) {
        if (left instanceof Value.N a && right instanceof Value.N b) {
            return Optional.of(a.value().compareTo(b.value()));
        }
        if (left instanceof Value.S a && right instanceof Value.S b) {
            return Optional.of(compareUtf8(a.value(), b.value()));
        }
        if (left instanceof Value.B a && right instanceof Value.B b) {
            return Optional.of(a.value().compareTo(b.value()));
        }
        return Optional.empty();
    }

    /** UTF-8 byte order, computed on the chars: it equals code point order. */
    static int compareUtf8(String a, String b) {
        int common = Math.min(a.length(), b.length());
        for (int k = 0; k < common; k++) {
            char x = a.charAt(k);
            char y = b.charAt(k);
            if (x != y) {
                // Below the surrogates, UTF-16 order is code point order; only there can they differ.
                if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) {
                    return Character.compare(x, y);
                }
                return compareCodePoints(a.substring(k), b.substring(k));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
