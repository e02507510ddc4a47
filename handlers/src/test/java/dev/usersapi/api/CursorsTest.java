package dev.usersapi.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.usersapi.model.UserIds;
import dev.usersapi.store.PageStart;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CursorsTest {
    private final String id = new UserIds(new SecureRandom()).newId(1_764_000_000_000L);
    private final PageStart start = new PageStart(UserIds.keyOf(id).orElseThrow(), Optional.empty());

    @Test
    void roundTripsAPageStart() {
        assertEquals(start, Cursors.decode(Cursors.encode(start), Optional.empty()));
        PageStart byEmail = new PageStart(start.after(), Optional.of("a@b.co"));
        assertEquals(byEmail, Cursors.decode(Cursors.encode(byEmail), Optional.of("a@b.co")));
    }

    @Test
    void refusesACursorFromAnotherQuery() {
        String allUsers = Cursors.encode(start);
        assertThrows(ProblemException.class, () -> Cursors.decode(allUsers, Optional.of("a@b.co")));
        String byEmail = Cursors.encode(new PageStart(start.after(), Optional.of("a@b.co")));
        assertThrows(ProblemException.class, () -> Cursors.decode(byEmail, Optional.of("c@d.co")));
        assertThrows(ProblemException.class, () -> Cursors.decode(byEmail, Optional.empty()));
    }

    @Test
    void refusesATruncatedOrEditedCursor() {
        String cursor = Cursors.encode(start);
        assertThrows(ProblemException.class, () -> Cursors.decode(cursor.substring(0, cursor.length() - 6), Optional.empty()));
        String otherTime = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("u1\n" + id + "\n5\n*").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(ProblemException.class, () -> Cursors.decode(otherTime, Optional.empty()), "createdAt must match the id");
        assertThrows(ProblemException.class, () -> Cursors.decode("x".repeat(600), Optional.empty()));
    }
}
