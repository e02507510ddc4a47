package dev.usersapi.stream;

import java.util.Map;
import java.util.Optional;

/**
 * One change to a user, from one stream record: the key, and for each attribute that differs
 * between the old and the new image, both values ({@code Optional.empty()} where it was absent).
 * Values are plain Java: String, BigDecimal, Boolean, List, Map, or {@link #NULL}.
 */
public record Change(
        String eventId,
        String eventName,
        String sequenceNumber,
        Map<String, Object> keys,
        Map<String, Difference> differences,
        boolean expired) {

    /** DynamoDB's NULL type, distinct from an absent attribute. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    public record Difference(Optional<Object> before, Optional<Object> after) {}

    public Change {
        // Insertion order is kept: attribute names sorted, so one change always logs the same line.
        keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
        differences = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(differences));
    }
}
