package dev.usersapi.client.smoke;

import dev.usersapi.client.ApiClient;
import dev.usersapi.client.ApiException;
import dev.usersapi.client.ApiResponse;
import dev.usersapi.client.Problems;
import dev.usersapi.client.api.UsersApi;
import dev.usersapi.client.model.NewUser;
import dev.usersapi.client.model.User;
import dev.usersapi.client.model.UserChanges;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Proves a deployed users API answers, through the generated client only: a canary user is
 * created (with an {@code Idempotency-Key}, and the retry answered from it), read, changed with
 * {@code If-Match}, refused with 412 for a stale tag, deleted, and read as 404. With a token, the
 * listing and the email search must be refused 403 by the gateway's authorizer: the check's
 * token carries {@link #SCOPES} only, and those routes need {@code users/admin}. Any step that
 * does not answer as the contract says throws {@link Failure} naming it; the canary is deleted
 * whatever happens once it exists. A step refused 429 (a route throttle) is asked again after the
 * answer's {@code Retry-After}, within {@link Patience#throttled()}.
 *
 * <p>Run after every update by the Pulumi program (so a failed step fails the update), by
 * {@code bin/smoke} against any URL, and by the client's tests against the local stack.
 */
public final class SmokeCheck {
    /**
     * The scopes the check's token carries, and no more: without {@code users/admin} a caller
     * reaches only the users it created (api/openapi.yaml, securitySchemes.usersAuth), so a token
     * of the check's app client, stolen, reaches only its canaries.
     */
    public static final List<String> SCOPES = List.of("users/read", "users/write");

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
     * How patient the check is while it first reaches the API: how long a freshly updated stage
     * may not answer at all, or answer with the gateway's own 404 ({@code ready}: auto-deploy
     * takes seconds); how long the function may answer 5xx ({@code warming}: a new SnapStart
     * version is invoked only once Active, and on a stack's first update the provider does not
     * wait for that, so the snapshot may take minutes); then how long one step may be refused 429
     * before it fails ({@code throttled}); and the pause between tries where no
     * {@code Retry-After} names one ({@code poll}, doubled on each throttled try).
     */
    public record Patience(Duration ready, Duration warming, Duration throttled, Duration poll) {
        public Patience {
            Objects.requireNonNull(ready, "ready");
            Objects.requireNonNull(warming, "warming");
            Objects.requireNonNull(throttled, "throttled");
            Objects.requireNonNull(poll, "poll");
        }

        /**
         * For a stage that was just deployed. Lambda's "Troubleshooting SnapStart errors": a version
         * answers SnapStartNotReadyException until its state is Active; API Gateway passes that on
         * as a 5xx, hence five minutes for 5xx answers and 90 s for the rest.
         */
        public static Patience deployed() {
            return new Patience(Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(1));
        }

        /** For a stack that already answers, as the local one does once started. */
        public static Patience immediate() {
            return new Patience(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(50));
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

    /** How the check waits between tries: the thread's sleep, or a test's clock moved on. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** The longest pause between throttled tries where the answer names no {@code Retry-After}. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Target target;
    private final Patience patience;
    private final Clock clock;
    private final Sleeper sleeper;
    private final UsersApi users;
    private final List<Step> steps = new ArrayList<>();

    public SmokeCheck(Target target, Patience patience) {
        this(target, patience, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
    }

    SmokeCheck(Target target, Patience patience, Clock clock, Sleeper sleeper) {
        this.target = target;
        this.patience = patience;
        this.clock = clock;
        this.sleeper = sleeper;
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

        if (target.bearerToken().isPresent()) {
            // An open stack (local dev) makes every caller an administrator: only a token can be refused.
            refusedByTheAuthorizer("listing refused without users/admin", () -> users.listUsers(1, null, null));
            refusedByTheAuthorizer("email search refused without users/admin", () -> users.listUsers(null, null, canary.getEmail()));
        }

        ApiResponse<User> patched = step("change with If-Match", () -> users.updateUserWithHttpInfo(id, new UserChanges().age(42), etag), 200);
        String newTag = header(patched, "etag", "change with If-Match");
        expect("change with If-Match", Integer.valueOf(42).equals(patched.getData().getAge()) && !newTag.equals(etag),
                "the change answered age " + patched.getData().getAge() + " and entity tag " + newTag);

        refused("stale If-Match refused with 412", () -> users.updateUser(id, new UserChanges().age(43), etag), 412);

        step("delete with If-Match", () -> users.deleteUserWithHttpInfo(id, newTag), 204);
        refused("read after delete is 404", () -> users.getUser(id), 404);
    }

    /**
     * Waits until the function itself answers: a read of a user that does not exist is its own 404
     * problem document. No answer, or the gateway's own 404, is waited for within {@code ready};
     * a 5xx within {@code warming}; 401 and 403 (the authorizer decided) and any other 4xx (a
     * wrong answer) fail at once, since waiting changes neither.
     */
    private void awaitAnswer() {
        String name = "reach the API";
        Instant started = clock.instant();
        Instant ready = started.plus(patience.ready());
        Instant warm = started.plus(patience.warming().compareTo(patience.ready()) > 0 ? patience.warming() : patience.ready());
        UUID nobody = UUID.randomUUID();
        while (true) {
            ApiException answer;
            try {
                attempt(name, () -> users.getUser(nobody));
                throw new Failure(name, "a user that was never created was found", null);
            } catch (ApiException refused) {
                answer = refused;
            }
            int code = answer.getCode();
            boolean problem = Problems.of(answer).isPresent();
            if (code == 404 && problem) {
                steps.add(new Step(name, "404 problem document for an unknown user"));
                return;
            }
            if (code == 401 || code == 403) {
                throw new Failure(name, describe(answer) + (target.bearerToken().isPresent()
                        ? "; the token is not one the API's authorizer admits with " + String.join(" ", SCOPES)
                        : "; the API needs a token with " + String.join(" ", SCOPES) + " (USERS_API_TOKEN or the smoke-check app client)"), answer);
            }
            boolean notYet = code == 0 || (code == 404 && !problem);
            if (code >= 400 && code < 500 && !notYet) {
                throw new Failure(name, describe(answer) + "; the contract says a 404 problem document, and waiting changes nothing", answer);
            }
            Instant deadline = code >= 500 ? warm : ready;
            if (!clock.instant().isBefore(deadline)) {
                throw new Failure(name, describe(answer) + " (still, after " + Duration.between(started, clock.instant()).toSeconds() + " s"
                        + (code >= 500 ? "; a new SnapStart version answers once its snapshot is ready" : "") + ")", answer);
            }
            pause(patience.poll());
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
            attempt(name, call);
        } catch (ApiException answer) {
            expect(name, answer.getCode() == status && Problems.of(answer).map(problem -> problem.getStatus() == status).orElse(false),
                    describe(answer) + "; the contract says a " + status + " problem document");
            steps.add(new Step(name, String.valueOf(status)));
            return;
        }
        throw new Failure(name, "the request succeeded; the contract says " + status, null);
    }

    /**
     * A route the token's scopes do not admit: API Gateway's JWT authorizer answers 403
     * {@code {"message":"Forbidden"}} itself ("Control access to HTTP APIs with JWT authorizers":
     * the token must include at least one of the route's scopes), so the function never sees it. The
     * function's own 403 problem would mean the route lets the token through.
     */
    private void refusedByTheAuthorizer(String name, Call<?> call) {
        try {
            attempt(name, call);
        } catch (ApiException answer) {
            expect(name, answer.getCode() == 403, describe(answer) + "; a token without users/admin is refused 403 by the authorizer");
            expect(name, Problems.of(answer).isEmpty(), describe(answer)
                    + "; the function refused it, not the authorizer: the route does not require users/admin of the token");
            steps.add(new Step(name, "403 from the authorizer"));
            return;
        }
        throw new Failure(name, "answered 2xx: the check's token was admitted to an operation that needs users/admin"
                + " (the check's app client must have " + String.join(" ", SCOPES) + " only)", null);
    }

    private <T> T call(String name, Call<T> call) {
        try {
            return attempt(name, call);
        } catch (ApiException answer) {
            throw new Failure(name, describe(answer), answer);
        }
    }

    /**
     * One request, asked again while it is refused 429 (a throttle: the request did not reach the
     * function, so asking again is safe), after the answer's {@code Retry-After} (RFC 9110 section
     * 10.2.3: seconds, or an HTTP date) or else a doubling pause, until {@code throttled} is spent.
     */
    private <T> T attempt(String name, Call<T> call) throws ApiException {
        Instant deadline = clock.instant().plus(patience.throttled());
        Duration backoff = patience.poll();
        int throttled = 0;
        while (true) {
            try {
                return call.call();
            } catch (ApiException answer) {
                if (answer.getCode() != 429) {
                    throw answer;
                }
                throttled++;
                Duration wait = retryAfter(answer).orElse(backoff);
                if (clock.instant().plus(wait).isAfter(deadline)) {
                    throw new Failure(name, describe(answer) + " (throttled " + throttled + " times; waiting " + wait.toSeconds()
                            + " s more would pass the step's " + patience.throttled().toSeconds() + " s)", answer);
                }
                pause(wait);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private Optional<Duration> retryAfter(ApiException answer) {
        Optional<String> value = Optional.ofNullable(answer.getResponseHeaders())
                .flatMap(headers -> headers.firstValue("retry-after")).map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get().matches("[0-9]{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.get())));
        }
        try {
            Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration until = Duration.between(clock.instant(), at);
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
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
            ApiResponse<User> current = attempt("clean up the canary", () -> users.getUserWithHttpInfo(id));
            attempt("clean up the canary", () -> {
                users.deleteUser(id, header(current, "etag", "clean up the canary"));
                return null;
            });
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

    private void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
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
