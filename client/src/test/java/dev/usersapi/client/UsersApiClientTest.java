package dev.usersapi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.usersapi.client.api.UsersApi;
import dev.usersapi.client.model.NewUser;
import dev.usersapi.client.model.Problem;
import dev.usersapi.client.model.User;
import dev.usersapi.client.model.UserChanges;
import dev.usersapi.local.LocalStack;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generated client against the local stack, as a user's program would use it: every call
 * goes through {@link UsersApi}, and every error is read back as a typed {@link Problem}.
 */
@ExtendWith(LocalStacks.class)
class UsersApiClientTest {
    private static LocalStack stack;
    private static UsersApi users;

    @BeforeAll
    static void connect(LocalStack dev) {
        stack = dev;
        ApiClient client = new ApiClient();
        client.updateBaseUri(stack.baseUrl().toString());
        users = new UsersApi(client);
    }

    private static String uniqueEmail(String who) {
        return who + "-" + UUID.randomUUID() + "@example.com";
    }

    private static Problem problemOf(ApiException error) {
        return Problems.of(error).orElseThrow(() -> new AssertionError("not a problem document: " + error.getResponseBody()));
    }

    @Test
    void aCreateWithAnIdempotencyKeyIsAnsweredOnceAndReplayed() throws Exception {
        NewUser ada = new NewUser().name("Ada").email(uniqueEmail("ada")).age(36);
        String key = UUID.randomUUID().toString();
        ApiResponse<User> created = users.createUserWithHttpInfo(ada, key);
        ApiResponse<User> replayed = users.createUserWithHttpInfo(ada, key);

        assertEquals(201, created.getStatusCode());
        assertEquals(created.getData().getId(), replayed.getData().getId());
        assertEquals(List.of("true"), replayed.getHeaders().get("idempotent-replayed"));
        assertEquals(1, users.listUsers(null, null, ada.getEmail()).size(), "one user, however often the create is retried");
    }

    @Test
    void aUserIsReadBackAsCreated() throws Exception {
        User created = users.createUser(new NewUser().name("Bo").email(uniqueEmail("bo")), null);
        User read = users.getUser(created.getId());
        assertEquals(created, read);
        assertEquals("Bo", read.getName());
    }

    @Test
    void pagesAreFollowedByTheirCursorToTheEnd() throws Exception {
        Set<UUID> mine = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            mine.add(users.createUser(new NewUser().name("Page " + i).email(uniqueEmail("page")), null).getId());
        }
        List<UUID> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            ApiResponse<List<User>> page = users.listUsersWithHttpInfo(2, cursor.orElse(null), null);
            assertTrue(page.getData().size() <= 2);
            page.getData().forEach(user -> seen.add(user.getId()));
            cursor = Pages.nextCursor(page);
            pages++;
        } while (cursor.isPresent() && pages < 1_000);
        assertTrue(seen.containsAll(mine), "every user is on some page");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no user is on two pages");
        assertTrue(pages >= 3, "five users at two a page take at least three pages");
    }

    @Test
    void usersAreLookedUpByEmail() throws Exception {
        String email = uniqueEmail("cy");
        User cy = users.createUser(new NewUser().name("Cy").email(email), null);
        assertEquals(List.of(cy), users.listUsers(null, null, email));
    }

    @Test
    void aPatchWithTheCurrentEntityTagWinsAndAStaleOneIs412() throws Exception {
        ApiResponse<User> created = users.createUserWithHttpInfo(new NewUser().name("Di").email(uniqueEmail("di")), null);
        UUID id = created.getData().getId();
        String etag = created.getHeaders().get("etag").get(0);

        ApiResponse<User> patched = users.updateUserWithHttpInfo(id, new UserChanges().age(41), etag);
        assertEquals(41, patched.getData().getAge());
        assertFalse(etag.equals(patched.getHeaders().get("etag").get(0)), "a change makes a new entity tag");

        ApiException stale = assertThrows(ApiException.class, () -> users.updateUser(id, new UserChanges().name("Late"), etag));
        assertEquals(412, stale.getCode());
        assertEquals(412, problemOf(stale).getStatus());
        assertEquals("Di", users.getUser(id).getName(), "the stale patch changed nothing");
    }

    @Test
    void aDeletedUserIsGoneAndReadingItIsATyped404() throws Exception {
        ApiResponse<User> created = users.createUserWithHttpInfo(new NewUser().name("Ed").email(uniqueEmail("ed")), null);
        UUID id = created.getData().getId();
        assertEquals(204, users.deleteUserWithHttpInfo(id, created.getHeaders().get("etag").get(0)).getStatusCode());

        ApiException missing = assertThrows(ApiException.class, () -> users.getUser(id));
        assertEquals(404, missing.getCode());
        Problem problem = problemOf(missing);
        assertEquals(404, problem.getStatus());
        assertTrue(problem.getType().startsWith("urn:users-api:problem:"), problem.getType());
    }

    @Test
    void invalidInputIsATyped400NamingEachField() throws Exception {
        ApiException invalid = assertThrows(ApiException.class,
                () -> users.createUser(new NewUser().name("").email("not-an-email"), null));
        assertEquals(400, invalid.getCode());
        Problem problem = problemOf(invalid);
        assertEquals(400, problem.getStatus());
        Set<String> pointers = new HashSet<>();
        problem.getErrors().forEach(error -> pointers.add(error.getPointer()));
        assertEquals(Set.of("/name", "/email"), pointers, problem.toString());
    }
}
