package dev.usersapi.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.usersapi.api.Problem.InvalidInput;
import dev.usersapi.log.EmbeddedMetric;
import dev.usersapi.log.JsonLines;
import dev.usersapi.model.NewUser;
import dev.usersapi.model.User;
import dev.usersapi.model.UserChanges;
import dev.usersapi.model.UserIds;
import dev.usersapi.model.UserKey;
import dev.usersapi.store.IdempotencyStore;
import dev.usersapi.store.Page;
import dev.usersapi.store.PageStart;
import dev.usersapi.store.UserStore;
import dev.usersapi.store.WriteOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The users HTTP API: one API Gateway payload 2.0 request in, one response out. Input errors
 * end as a 4xx problem; anything else is a fault of ours, logged with its cause and answered
 * with a 5xx that carries the request id.
 *
 * <p>Every route is authorized here too, not only by API Gateway: the caller must hold one of the
 * route's scopes (403 otherwise), and a caller without {@code users/admin} reaches only the users
 * it owns. Another's user is answered 404, exactly as a missing one, so a caller cannot learn
 * which ids exist; the 403 is kept for what the token's scopes alone decide.
 */
public final class UsersApi {
    private static final List<String> JSON = List.of("application/json");
    private static final List<String> JSON_OR_MERGE_PATCH = List.of("application/json", "application/merge-patch+json");
    private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]{1,4}");
    private static final Set<String> THROTTLING = Set.of(
            "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException");

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final UserStore store;
    private final IdempotencyStore idempotency;
    private final UserIds ids;
    private final Clock clock;
    private final JsonLines log;
    private final Authorization authorization;

    /** The API as deployed: callers are the ones API Gateway's JWT authorizer vouches for. */
    public UsersApi(UserStore store, IdempotencyStore idempotency, UserIds ids, Clock clock, JsonLines log) {
        this(store, idempotency, ids, clock, log, Authorization.JWT);
    }

    public UsersApi(UserStore store, IdempotencyStore idempotency, UserIds ids, Clock clock, JsonLines log,
                    Authorization authorization) {
        this.authorization = authorization;
        this.store = store;
        this.idempotency = idempotency;
        this.ids = ids;
        this.clock = clock;
        this.log = log;
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        HttpRequest request = HttpRequest.of(event);
        try {
            return dispatch(request, authorization.caller(event));
        } catch (ProblemException e) {
            return problem(request, e.problem());
        } catch (DynamoDbException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "";
            if (THROTTLING.contains(code)) {
                logFault(request, e, JsonLines.Level.WARN, "throttled");
                return problem(request, Problem.of(503, "throttled", "Service busy", "try again in a moment")
                        .withHeader("Retry-After", "1"));
            }
            return fault(request, e);
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            // The table did not answer within the client's timeouts, well inside the function's: a 503 the caller may retry.
            logFault(request, e, JsonLines.Level.ERROR, "dynamodb-timeout");
            log.metric(new EmbeddedMetric(EmbeddedMetric.DYNAMODB_TIMEOUTS, 1));
            return problem(request, Problem.of(503, "dynamodb-timeout", "Service unavailable",
                    "the database did not answer in time; try again in a moment").withHeader("Retry-After", "1"));
        } catch (RuntimeException e) {
            return fault(request, e);
        }
    }

    private APIGatewayV2HTTPResponse dispatch(HttpRequest request, Optional<Caller> identified) {
        RouteResolution resolution = RouteResolution.resolve(
                request.routeKey(), request.pathParameters(), request.method(), request.rawPath());
        if (resolution instanceof RouteResolution.NoSuchPath) {
            return problem(request, Problem.of(404, "no-such-route", "Not found", "no route matches " + request.rawPath()));
        }
        if (resolution instanceof RouteResolution.MethodNotAllowed notAllowed && request.method().equals("OPTIONS")) {
            // A browser's CORS preflight, through the unauthorized OPTIONS /{proxy+} route a stack with CORS has: a 2xx,
            // to which API Gateway adds the API's CORS headers (and ignores an integration's own). No token, no data.
            return new APIGatewayV2HTTPResponse(204, Map.of("Allow", String.join(", ", notAllowed.allowed())), null, null, null, false);
        }
        if (resolution instanceof RouteResolution.MethodNotAllowed notAllowed) {
            return problem(request, Problem.of(405, "method-not-allowed", "Method not allowed",
                    request.method() + " is not allowed here; use " + String.join(", ", notAllowed.allowed()))
                    .withHeader("Allow", String.join(", ", notAllowed.allowed())));
        }
        var matched = (RouteResolution.Matched) resolution;
        Route route = matched.route();
        if (identified.isEmpty()) {
            return problem(request, Problem.of(401, "unauthenticated", "Unauthorized",
                    "this request carries no caller the JWT authorizer vouched for; send an access token as Authorization: Bearer")
                    .withHeader("WWW-Authenticate", "Bearer"));
        }
        Caller caller = identified.get();
        if (!caller.hasAnyOf(route.scopes())) {
            String needed = String.join(" ", route.scopes());
            return problem(request, Problem.of(403, "insufficient-scope", "Forbidden",
                    route.operationId() + " needs a token with one of the scopes " + String.join(", ", route.scopes()))
                    .withHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + needed + "\""));
        }
        rejectUnknownQueryParameters(request, route);
        Instant now = clock.instant();
        String id = matched.pathParameters().getOrDefault("id", "");
        // Whose users a change may touch: any, for an administrator; otherwise only the caller's own.
        Optional<String> owner = caller.requiredOwner();
        return switch (route) {
            case CREATE_USER -> {
                NewUser newUser = UserBodies.newUser(request.jsonBody(JSON));
                Optional<String> key = idempotencyKey(request);
                yield key.isPresent() ? idempotentCreate(request, caller, key.get(), newUser, now)
                        : created(request, create(newUser, caller, now));
            }
            case LIST_USERS -> list(request, now);
            case GET_USER -> store.find(keyOf(id), now)
                    .filter(user -> caller.mayAccess(user.ownerId()))
                    .map(user -> json(200, UserJson.user(user), Map.of("ETag", user.etag())))
                    .orElseGet(() -> notFound(request, id));
            case UPDATE_USER -> {
                UserChanges changes = UserBodies.changes(request.jsonBody(JSON_OR_MERGE_PATCH));
                yield written(request, id, store.update(keyOf(id), changes, ifMatch(request), owner, caller.subject(), now),
                        user -> json(200, UserJson.user(user), Map.of("ETag", user.etag())));
            }
            case DELETE_USER -> written(request, id, store.delete(keyOf(id), ifMatch(request), owner, now),
                    user -> new APIGatewayV2HTTPResponse(204, Map.of(), null, null, null, false));
            case LEGACY_CREATE_USER -> json(200, UserJson.user(create(UserBodies.newUser(request.jsonBody(JSON)), caller, now)), Map.of());
            case LEGACY_UPDATE_USER -> {
                UserBodies.LegacyUpdate update = UserBodies.legacyUpdate(request.jsonBody(JSON), id);
                yield written(request, id, store.update(update.key(), update.changes(), OptionalLong.empty(), owner, caller.subject(), now),
                        user -> json(200, UserJson.legacyUpdate(user), Map.of()));
            }
            case LEGACY_DELETE_USER -> {
                UserKey key = UserBodies.legacyKey(request.jsonBody(JSON), id);
                yield written(request, id, store.delete(key, OptionalLong.empty(), owner, now),
                        user -> json(200, UserJson.message("User deleted"), Map.of()));
            }
        };
    }

    private User create(NewUser user, Caller caller, Instant now) {
        return store.create(ids.newId(now.toEpochMilli()), user, caller.subject(), now);
    }

    private APIGatewayV2HTTPResponse created(HttpRequest request, User user) {
        return json(201, UserJson.user(user), Map.of("Location", collectionPath(request) + "/" + user.id(), "ETag", user.etag()));
    }

    /**
     * A create with an Idempotency-Key: the first request creates and its answer is kept; a retry
     * with the same key and body gets that answer again and creates nothing.
     */
    private APIGatewayV2HTTPResponse idempotentCreate(HttpRequest request, Caller caller, String key, NewUser newUser, Instant now) {
        IdempotencyStore.Claim claim = idempotency.claim(caller.subject(), key, fingerprint(newUser), ids.newId(now.toEpochMilli()), now);
        if (claim instanceof IdempotencyStore.Claim.Started started) {
            APIGatewayV2HTTPResponse response = created(request, store.createIfAbsent(started.userId(), newUser, caller.subject(), now));
            Map<String, String> kept = new HashMap<>(response.getHeaders());
            idempotency.complete(caller.subject(), key, new IdempotencyStore.StoredResponse(response.getStatusCode(), response.getBody(), kept));
            return response;
        }
        if (claim instanceof IdempotencyStore.Claim.Replay replay) {
            Map<String, String> headers = new HashMap<>(replay.response().headers());
            headers.put("Idempotent-Replayed", "true");
            return new APIGatewayV2HTTPResponse(replay.response().status(), headers, null, null, replay.response().body(), false);
        }
        if (claim instanceof IdempotencyStore.Claim.InProgress) {
            return problem(request, Problem.of(409, "idempotency-key-in-use", "Request in progress",
                    "a request with this Idempotency-Key is still being processed; retry in a moment")
                    .withHeader("Retry-After", "1"));
        }
        return problem(request, new Problem(422, "idempotency-key-reused", "Idempotency-Key reused",
                "this Idempotency-Key was used with a different body; use a new key for a new user",
                List.of(InvalidInput.header("Idempotency-Key", "was sent before with another body")), Map.of()));
    }

    private static Optional<String> idempotencyKey(HttpRequest request) {
        Optional<String> key = request.header("idempotency-key");
        if (key.isPresent() && !IDEMPOTENCY_KEY.matcher(key.get()).matches()) {
            throw new ProblemException(Problem.invalid("Invalid Idempotency-Key header", List.of(InvalidInput.header(
                    "Idempotency-Key", "must be 1 to 255 visible ASCII characters, such as a UUID"))));
        }
        return key;
    }

    /** The request's meaning, not its bytes: the same user in other whitespace is the same request. */
    private static String fingerprint(NewUser user) {
        return IdempotencyStore.sha256Hex(user.name() + "\u0000" + user.email() + "\u0000" + user.age().map(String::valueOf).orElse(""));
    }

    private APIGatewayV2HTTPResponse list(HttpRequest request, Instant now) {
        int limit = pageSize(request.query().get("limit"));
        Optional<String> email = Optional.ofNullable(request.query().get("email"));
        email.ifPresent(UsersApi::checkEmailParameter);
        Optional<PageStart> start = Optional.ofNullable(request.query().get("cursor")).map(cursor -> Cursors.decode(cursor, email));
        Page<User> page = email.isPresent()
                ? store.findByEmail(email.get(), limit, start, now)
                : store.list(limit, start, now);
        Map<String, String> headers = new HashMap<>();
        page.next().ifPresent(next -> {
            String query = "limit=" + limit + "&cursor=" + Cursors.encode(next)
                    + email.map(value -> "&email=" + URLEncoder.encode(value, StandardCharsets.UTF_8)).orElse("");
            headers.put("Link", "<" + request.rawPath() + "?" + query + ">; rel=\"next\"");
        });
        return json(200, UserJson.users(page.items()), headers);
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return RequestLimits.DEFAULT_PAGE_SIZE;
        }
        if (PAGE_SIZE.matcher(limit).matches()) {
            int size = Integer.parseInt(limit);
            if (size >= 1 && size <= RequestLimits.MAX_PAGE_SIZE) {
                return size;
            }
        }
        throw new ProblemException(Problem.invalid("Invalid query parameter", List.of(InvalidInput.parameter(
                "limit", "must be an integer from 1 to " + RequestLimits.MAX_PAGE_SIZE))));
    }

    private static void checkEmailParameter(String email) {
        if (!UserBodies.isEmailAddress(email)) {
            throw new ProblemException(Problem.invalid("Invalid query parameter",
                    List.of(InvalidInput.parameter("email", "must be an email address"))));
        }
    }

    private static void rejectUnknownQueryParameters(HttpRequest request, Route route) {
        List<InvalidInput> unknown = new ArrayList<>();
        for (String name : request.query().keySet()) {
            if (!route.queryParameters().contains(name)) {
                unknown.add(InvalidInput.parameter(name, route.queryParameters().isEmpty()
                        ? "this route takes no query parameters"
                        : "unknown; allowed: " + String.join(", ", new java.util.TreeSet<>(route.queryParameters()))));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ProblemException(Problem.invalid("Unknown query parameter", unknown));
        }
    }

    private static OptionalLong ifMatch(HttpRequest request) {
        return EntityTags.requiredVersion(request.header("if-match").orElse(null));
    }

    /** An id that is not one this service issues names no user; answered exactly as a deleted one. */
    private static UserKey keyOf(String id) {
        return UserIds.keyOf(id).orElseThrow(() -> new ProblemException(notFoundProblem(id)));
    }

    private APIGatewayV2HTTPResponse written(HttpRequest request, String id, WriteOutcome outcome,
                                              java.util.function.Function<User, APIGatewayV2HTTPResponse> answer) {
        if (outcome instanceof WriteOutcome.Written written) {
            return answer.apply(written.user());
        }
        if (outcome instanceof WriteOutcome.VersionMismatch mismatch) {
            return problem(request, Problem.of(412, "stale-version", "Precondition failed",
                    "the user has changed; its current ETag is \"" + mismatch.currentVersion() + "\"")
                    .withHeader("ETag", "\"" + mismatch.currentVersion() + "\""));
        }
        return notFound(request, id);
    }

    private APIGatewayV2HTTPResponse notFound(HttpRequest request, String id) {
        return problem(request, notFoundProblem(id));
    }

    private static Problem notFoundProblem(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        return Problem.of(404, "user-not-found", "User not found", "no user has the id " + shown);
    }

    /** The path of the users collection, with any stage prefix API Gateway put before it. */
    private static String collectionPath(HttpRequest request) {
        String path = request.rawPath();
        int users = path.lastIndexOf("/users");
        return users >= 0 ? path.substring(0, users) + "/users" : "/users";
    }

    private APIGatewayV2HTTPResponse fault(HttpRequest request, RuntimeException e) {
        logFault(request, e, JsonLines.Level.ERROR, "fault");
        log.metric(new EmbeddedMetric(EmbeddedMetric.FAULTS, 1));
        return problem(request, Problem.of(500, "internal-error", "Internal server error",
                "the request failed on our side; quote the request id " + request.requestId() + " when reporting it"));
    }

    private void logFault(HttpRequest request, RuntimeException e, JsonLines.Level level, String kind) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        log.write(level, json -> {
            json.writeStringField("kind", kind);
            json.writeStringField("requestId", request.requestId());
            json.writeStringField("request", request.method() + " " + request.rawPath());
            json.writeStringField("error", e.toString());
            json.writeStringField("trace", trace.toString());
        });
    }

    private static APIGatewayV2HTTPResponse problem(HttpRequest request, Problem problem) {
        Map<String, String> headers = new HashMap<>(problem.headers());
        headers.put("Content-Type", "application/problem+json");
        String body = UserJson.problem(problem, request.rawPath(), request.requestId());
        return new APIGatewayV2HTTPResponse(problem.status(), headers, null, null, body, false);
    }

    private static APIGatewayV2HTTPResponse json(int status, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new APIGatewayV2HTTPResponse(status, all, null, null, body, false);
    }
}
