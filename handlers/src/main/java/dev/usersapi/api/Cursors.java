package dev.usersapi.api;

import dev.usersapi.model.UserIds;
import dev.usersapi.model.UserKey;
import dev.usersapi.store.PageStart;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Pagination cursors: opaque to clients, base64url of the key the next page starts after and
 * of the query it belongs to. A cursor only says where to resume; the query itself (all users,
 * or one email) still bounds what a page can hold, so no cursor can widen a listing. A cursor from
 * another query, or one that does not decode to a key this service issues, is rejected.
 */
final class Cursors {
    private static final String VERSION = "u1";
    private static final String ALL_USERS = "*";

    private Cursors() {}

    static String encode(PageStart start) {
        String scope = start.email().map(email -> "e" + email).orElse(ALL_USERS);
        String plain = VERSION + "\n" + start.after().id() + "\n" + start.after().createdAt() + "\n" + scope;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The page start a cursor names, for the query it must belong to (an email, or all users). */
    static PageStart decode(String cursor, Optional<String> email) {
        String[] parts = plain(cursor).split("\n", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw invalid("is not a cursor this API issued");
        }
        String expectedScope = email.map(value -> "e" + value).orElse(ALL_USERS);
        if (!parts[3].equals(expectedScope)) {
            throw invalid("belongs to a different query; start again without a cursor");
        }
        Optional<UserKey> key = UserIds.keyOf(parts[1]);
        if (key.isEmpty() || !Long.toString(key.get().createdAt()).equals(parts[2])) {
            throw invalid("is not a cursor this API issued");
        }
        return new PageStart(key.get(), email);
    }

    private static String plain(String cursor) {
        if (cursor.length() > RequestLimits.MAX_CURSOR_LENGTH) {
            throw invalid("is too long");
        }
        try {
            var decoder = StandardCharsets.UTF_8.newDecoder();
            return decoder.decode(java.nio.ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw invalid("is not a cursor this API issued");
        }
    }

    private static ProblemException invalid(String why) {
        return new ProblemException(Problem.invalid("Invalid cursor",
                java.util.List.of(Problem.InvalidInput.parameter("cursor", "the cursor " + why))));
    }
}
