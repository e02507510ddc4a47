package dev.usersapi.model;

import java.util.Optional;

/**
 * A stored user. {@code createdAt} and {@code updatedAt} are epoch milliseconds; {@code deleteAt}
 * is epoch seconds, the unit DynamoDB's time to live reads. {@code ownerId} is the subject of the
 * token that created the user, {@code updatedBy} that of the last change's; users stored before
 * they were recorded have neither (and only an administrator reaches them).
 */
public record User(
        String id,
        long createdAt,
        long updatedAt,
        long version,
        String name,
        String email,
        Optional<Integer> age,
        Optional<Long> deleteAt,
        Optional<String> ownerId,
        Optional<String> updatedBy) {

    /** True once the time to live has passed, even while DynamoDB has not yet removed the item. */
    public boolean expiredAt(long epochSecond) {
        return deleteAt.map(at -> at <= epochSecond).orElse(false);
    }

    public String etag() {
        return "\"" + version + "\"";
    }
}
