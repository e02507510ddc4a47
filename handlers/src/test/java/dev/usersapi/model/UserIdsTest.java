package dev.usersapi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UserIdsTest {
    private final UserIds ids = new UserIds(new SecureRandom());

    @Test
    void issuesVersion7UuidsThatCarryTheCreationTime() {
        long createdAt = 1_764_000_000_123L;
        String id = ids.newId(createdAt);
        UUID uuid = UUID.fromString(id);
        assertEquals(7, uuid.version());
        assertEquals(2, uuid.variant());
        assertEquals(new UserKey(id, createdAt), UserIds.keyOf(id).orElseThrow());
    }

    @Test
    void refusesTextThatIsNotAnIdItIssues() {
        assertTrue(UserIds.keyOf(UUID.randomUUID().toString()).isEmpty(), "version 4");
        assertTrue(UserIds.keyOf(ids.newId(1).toUpperCase()).isEmpty(), "upper case would miss the stored key");
        assertTrue(UserIds.keyOf("create").isEmpty());
        assertTrue(UserIds.keyOf("x".repeat(36)).isEmpty());
        assertTrue(UserIds.keyOf("").isEmpty());
    }
}
