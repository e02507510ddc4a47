package dev.usersapi.model;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/**
 * User ids are UUID version 7 (RFC 9562): 48 bits of creation time in epoch milliseconds, then
 * random bits. Because the id carries the creation time, the table's full key (id, createdAt)
 * follows from the id alone, and reads, updates and deletes by id need no lookup first.
 */
public final class UserIds {
    private static final int MAX_ID_LENGTH = 36;

    private final SecureRandom random;

    public UserIds(SecureRandom random) {
        this.random = random;
    }

    public String newId(long epochMillis) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        long msb = (epochMillis << 16) | 0x7000L | (bytesToLong(bytes, 0) & 0x0FFFL);
        long lsb = (bytesToLong(bytes, 8) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** The key of the user with this id, or empty when the text is not an id this service issues. */
    public static Optional<UserKey> keyOf(String id) {
        if (id.length() != MAX_ID_LENGTH) {
            return Optional.empty();
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // UUID.fromString accepts upper case; ids are issued in lower case, and the key must match exactly.
        if (uuid.version() != 7 || uuid.variant() != 2 || !uuid.toString().equals(id)) {
            return Optional.empty();
        }
        return Optional.of(new UserKey(id, uuid.getMostSignificantBits() >>> 16));
    }

    private static long bytesToLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }
}
