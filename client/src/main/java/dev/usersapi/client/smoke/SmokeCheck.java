package dev.usersapi.client.smoke;

import dev.usersapi.client.ApiClient;
import dev.usersapi.client.ApiException;
import dev.usersapi.client.ApiResponse;
import dev.usersapi.client.Pages;
import dev.usersapi.client.Problems;
import dev.usersapi.client.api.UsersApi;
import dev.usersapi.client.model.NewUser;
import dev.usersapi.client.model.User;
import dev.usersapi.client.model.UserChanges;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Proves a deployed users API answers, through the generated client only: a canary user is
 * created (with an {@code Idempotency-Key}, and the retry answered from it), read, found on a page
 * of the listing and by email, changed with {@code If-Match}, refused with 412 for a stale tag,
 * deleted, and read as 404. Any step that does not answer as the contract says throws
 * {@link Failure} naming it; the canary is deleted whatever happens once it exists.
 *
 * <p>Run after every update by the Pulumi program (so a failed step fails the update), by
 * {@code bin/smoke} against any URL, and by the client's tests against the local stack.
 */
public final class SmokeCheck {
    /** How the check reaches the API: its base URL and, where routes need one, a bearer token per call. */
    public record Target(URI baseUrl, Optional<Supplier<String>> bearerToken) {
        public Target {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(bearerToken, "bearerToken");
        }

        public static Target open(URI baseUrl) {
            return new Target(baseUrl, Optional.empty());
        }

        public static Target withToken(URI baseUrl, String token) {
            return new Target(baseUrl, Optional.of(() -> token));
        }
    }

    /**
     * How patient the check is: how long a freshly updated stage may take to answer at all
     * ({@code ready}), how long an index may lag a write ({@code consistency}: DynamoDB's global
     * secondary indexes are eventually consistent), and how many pages the listing walk reads
     * before it stops looking (a large table's canary can be on any page of a scan).
     */
    public record Patience(Duration ready, Duration consistency, int maxPages, Duration poll) {
        /** For a stage that was just deployed: API Gateway's auto-deploy and a new Lambda version take seconds. */
        public static Patience deployed() {
            return new Patience(Duration.ofSeconds(90), Duration.ofSeconds(20), 50, Duration.ofSeconds(1));
        }

        /** For a stack that already answers, as the local one does once started. */
        public static Patience immediate() {
            return new Patience(Duration.ZERO, Duration.ofSeconds(2), 50, Duration.ofMillis(50));
        }
    }

    /** A step that passed, and what it saw. */
    public record Step(String name, String saw) {}

    /** What the check did, step by step. */
    public record Report(URI baseUrl, List<Step> steps) {
        public String summary() {
            return "smoke check passed against " + baseUrl + ": " + String.join(", ", steps.stream().map(Step::name).toList());
        }
    }

    /** A step that did not answer as the contract says. */
    public static final class Failure extends RuntimeException {
        private final String step;

        Failure(String step, String message, Throwable cause) {
            super("smoke check failed at '" + step + "': " + message, cause);
            this.step = step;
        }

        public String step() {
            return step;
        }
    }

    private static final int PAGE_SIZE = 100;

    private final Target target;
    private final Patience patience;
    private final Clock clock;
    private final UsersApi users;
    private final List<Step> steps = new ArrayList<>();

    public SmokeCheck(Target target, Patience patience) {
        this(target, patience, Clock.systemUTC());
    }

    SmokeCheck(Target target, Patience patience, Clock clock) {
        this.target = target;
        this.patience = patience;
        this.clock = clock;
        ApiClient client = new ApiClient();
        client.updateBaseUri(target.baseUrl().toString().replaceAll("/+$", ""));
        client.setConnectTimeout(Duration.ofSeconds(10));
        client.setReadTimeout(Duration.ofSeconds(30));
        target.bearerToken().ifPresent(token -> client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token.get())));
        this.users = new UsersApi(client);
    }

    /** Runs every step; throws {@link Failure} at the first that does not answer as the contract says. */
    public Report run() {
        awaitAnswer();
        String email = "smoke-" + UUID.randomUUID() + "@example.com";
        NewUser canary = new NewUser().name("users-api smoke check").email(email);
        String key = UUID.randomUUID().toString();
        ApiResponse<User> created = step("create with Idempotency-Key", () -> users.createUserWithHttpInfo(canary, key), 201);
        UUID id = created.getData().getId();
        try {
            checkRest(created, canary, key);
        } catch (RuntimeException failure) {
            deleteQuietly(id);
            throw failure;
        }
        return new Report(target.baseUrl(), List.copyOf(steps));
    }

    private void checkRest(ApiResponse<User> created, NewUser canary, String key) {
        UUID id = created.getData().getId();
        String etag = header(created, "etag", "create with Idempotency-Key");
        ApiResponse<User> replayed = step("retry answered from the Idempotency-Key", () -> users.createUserWithHttpInfo(canary, key), 201);
        expect("retry answered from the Idempotency-Key", id.equals(replayed.getData().getId()),
                "the retry created " + replayed.getData().getId() + " instead of answering with " + id);

        ApiResponse<User> read = step("read", () -> users.getUserWithHttpInfo(id), 200);
        expect("read", created.getData().equals(read.getData()), "read " + read.getData() + ", created " + created.getData());

        findOnAPage(id);
        List<User> byEmail = eventually("find by email", () -> users.listUsers(null, null, canary.getEmail()), found -> found.size() == 1);
        expect("find by email", id.equals(byEmail.get(0).getId()), "the email search answered " + byEmail);

        ApiResponse<User> patched = step("change with If-Match", () -> users.updateUserWithHttpInfo(id, new UserChanges().age(42), etag), 200);
        String newTag = header(patched, "etag", "change with If-Match");
        expect("change with If-Match", Integer.valueOf(42).equals(patched.getData().getAge()) && !newTag.equals(etag),
                "the change answered age " + patched.getData().getAge() + " and entity tag " + newTag);

        refused("stale If-Match refused with 412", () -> users.updateUser(id, new UserChanges().age(43), etag), 412);

        step("delete with If-Match", () -> users.deleteUserWithHttpInfo(id, newTag), 204);
        refused("read after delete is 404", () -> users.getUser(id), 404);
    }

    /** Waits until the function itself answers: a read of a user that does not exist is its own 404 problem document. */
    private void awaitAnswer() {
        Instant deadline = clock.instant().plus(patience.ready());
        UUID nobody = UUID.randomUUID();
        while (true) {
            try {
                users.getUser(nobody);
                throw new Failure("reach the API", "a user that was never created was found", null);
            } catch (ApiException answer) {
                if (answer.getCode() == 404 && Problems.of(answer).isPresent()) {
                    steps.add(new Step("reach the API", "404 problem document for an unknown user"));
                    return;
                }
                if (answer.getCode() == 401 || answer.getCode() == 403) {
                    // The gateway's authorizer answered: the stage is up, and waiting changes nothing.
                    throw new Failure("reach the API", describe(answer) + (target.bearerToken().isPresent()
                            ? "; the token is not one the API's authorizer admits with users/admin"
                            : "; the API needs a token with users/admin (USERS_API_TOKEN or the smoke-check app client)"), answer);
                }
                if (!clock.instant().isBefore(deadline)) {
                    throw new Failure("reach the API", describe(answer), answer);
                }
            }
            pause();
        }
    }

    /** Walks the listing a page at a time (following the Link header) until the canary is on one, or the pages end. */
    private void findOnAPage(UUID id) {
        String name = "find on a page of the listing";
        Instant deadline = clock.instant().plus(patience.consistency());
        while (true) {
            Optional<String> cursor = Optional.empty();
            int pages = 0;
            do {
                Optional<String> at = cursor;
                ApiResponse<List<User>> page = call(name, () -> users.listUsersWithHttpInfo(PAGE_SIZE, at.orElse(null), null));
                expect(name, page.getStatusCode() == 200 && page.getData().size() <= PAGE_SIZE,
                        "a page answered " + page.getStatusCode() + " with " + page.getData().size() + " users for limit " + PAGE_SIZE);
                pages++;
                if (page.getData().stream().anyMatch(user -> id.equals(user.getId()))) {
                    steps.add(new Step(name, "on page " + pages));
                    return;
                }
                cursor = Pages.nextCursor(page);
            } while (cursor.isPresent() && pages < patience.maxPages());
            if (cursor.isPresent()) {
                // Not an error: a scan's order is the table's, and a large table's canary may be on page 5,000.
                steps.add(new Step(name, "not within the first " + pages + " well-formed pages; the walk stops there"));
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new Failure(name, "the listing ended after " + pages + " pages without the canary " + id, null);
            }
            pause();
        }
    }

    private <T> T eventually(String name, Call<T> call, java.util.function.Predicate<T> done) {
        Instant deadline = clock.instant().plus(patience.consistency());
        while (true) {
            T result = call(name, call);
            if (done.test(result)) {
                steps.add(new Step(name, String.valueOf(result).length() > 200 ? "found" : String.valueOf(result)));
                return result;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new Failure(name, "still answered " + result + " after " + patience.consistency(), null);
            }
            pause();
        }
    }

    private <T> ApiResponse<T> step(String name, Call<ApiResponse<T>> call, int status) {
        ApiResponse<T> response = call(name, call);
        expect(name, response.getStatusCode() == status, "answered " + response.getStatusCode() + ", the contract says " + status);
        steps.add(new Step(name, String.valueOf(status)));
        return response;
    }

    private void refused(String name, Call<?> call, int status) {
        try {
            call.call();
        } catch (ApiException answer) {
            expect(name, answer.getCode() == status && Problems.of(answer).map(problem -> problem.getStatus() == status).orElse(false),
                    describe(answer) + "; the contract says a " + status + " problem document");
            steps.add(new Step(name, String.valueOf(status)));
            return;
        }
        throw new Failure(name, "the request succeeded; the contract says " + status, null);
    }

    private static <T> T call(String name, Call<T> call) {
        try {
            return call.call();
        } catch (ApiException answer) {
            throw new Failure(name, describe(answer), answer);
        }
    }

    private static void expect(String name, boolean condition, String otherwise) {
        if (!condition) {
            throw new Failure(name, otherwise, null);
        }
    }

    private static String header(ApiResponse<?> response, String header, String step) {
        return response.getHeaders().entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(header))
                .flatMap(entry -> entry.getValue().stream()).findFirst()
                .orElseThrow(() -> new Failure(step, "the answer has no " + header + " header", null));
    }

    private void deleteQuietly(UUID id) {
        try {
            ApiResponse<User> current = users.getUserWithHttpInfo(id);
            users.deleteUser(id, header(current, "etag", "clean up the canary"));
        } catch (ApiException | RuntimeException ignored) {
            // The failure that brought us here is the one to report.
        }
    }

    private static String describe(ApiException answer) {
        if (answer.getCode() == 0) {
            return "no answer: " + answer.getMessage();
        }
        String body = answer.getResponseBody() == null ? "" : answer.getResponseBody();
        return "answered " + answer.getCode() + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }

    private void pause() {
        try {
            Thread.sleep(patience.poll().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("wait", "interrupted", e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws ApiException;
    }
}
