package dev.usersapi.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.usersapi.testing.ApiFixture;
import dev.usersapi.testing.ApiRequests;
import dev.usersapi.testing.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Random and adversarial requests on every route: no 5xx, every error a well-formed problem,
 * nothing changed by a rejected request, and no cursor that reads past its query. The requests
 * go through the handler's Lambda entry against the project's engine, as API Gateway would send them.
 */
class FuzzedRequestsTest {
    /** Requests generated in this run, reported at the end. */
    static final AtomicInteger REQUESTS = new AtomicInteger();
    static final Map<Integer, AtomicInteger> STATUSES = new java.util.concurrent.ConcurrentHashMap<>();
    static ApiFixture fixture;
    static String existing;
    static String otherEmailCursor;

    @BeforeContainer
    static void seed() {
        fixture = new ApiFixture();
        existing = fixture.createUser("{\"name\":\"Seed\",\"email\":\"seed@example.com\",\"age\":40}");
        for (int i = 0; i < 3; i++) {
            fixture.createUser("{\"name\":\"Other" + i + "\",\"email\":\"other@example.com\"}");
        }
        String link = fixture.send(ApiRequests.request("GET", "/users").query("email", "other@example.com").query("limit", "1"))
                .getHeaders().get("Link");
        otherEmailCursor = java.net.URLDecoder.decode(link.replaceAll(".*cursor=([^&>]+).*", "$1"), StandardCharsets.UTF_8);
    }

    @AfterContainer
    static void report() {
        System.out.println("fuzzed requests: " + REQUESTS.get() + ", answers by status: " + new java.util.TreeMap<>(STATUSES));
    }

    @Property(seed = "20261124")
    void noRequestGetsA5xxOrChangesDataWhenRejected(@ForAll("requests") Fuzzed fuzzed) {
        ApiRequests request = fuzzed.build(existing, otherEmailCursor);
        APIGatewayV2HTTPEvent event = request.event();
        List<Map<String, AttributeValue>> before = snapshot();

        APIGatewayV2HTTPResponse response = fixture.api.handle(event);
        REQUESTS.incrementAndGet();
        STATUSES.computeIfAbsent(response.getStatusCode(), status -> new AtomicInteger()).incrementAndGet();

        int status = response.getStatusCode();
        assertTrue(status < 500, () -> fuzzed + " got " + status + ": " + response.getBody());
        if (status >= 400) {
            assertEquals("application/problem+json", response.getHeaders().get("Content-Type"), fuzzed::toString);
            JsonNode problem = Json.parse(response.getBody());
            assertEquals(status, problem.get("status").asInt());
            assertTrue(problem.get("type").asText().startsWith("urn:users-api:problem:"));
            assertTrue(!response.getBody().contains("Exception") && !response.getBody().contains("dev.usersapi"),
                    "no internals in " + response.getBody());
            assertEquals(before, snapshot(), () -> "a rejected request changed the table: " + fuzzed);
        }
        if (status == 200 && "GET".equals(fuzzed.method()) && fuzzed.path().equals("/users") && event.getQueryStringParameters() != null
                && event.getQueryStringParameters().containsKey("email")) {
            String email = event.getQueryStringParameters().get("email");
            Json.parse(response.getBody()).forEach(user -> assertEquals(email, user.get("email").asText(),
                    "a cursor must never widen an email lookup"));
        }
    }

    private static List<Map<String, AttributeValue>> snapshot() {
        List<Map<String, AttributeValue>> items = new ArrayList<>(
                fixture.dynamo.client().scan(scan -> scan.tableName(fixture.table.tableName()).consistentRead(true)).items());
        items.sort(java.util.Comparator.comparing(item -> item.get("id").s()));
        return items;
    }

    /** One generated request: a method, a path template, headers, a query and a body. */
    record Fuzzed(String method, String path, String contentType, String ifMatch, Map<String, String> query, Body body, Caller caller) {
        ApiRequests build(String existingId, String otherCursor) {
            String resolved = path.replace("{existing}", existingId);
            ApiRequests request = ApiRequests.request(method, resolved);
            caller.apply(request);
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (ifMatch != null) {
                request.header("If-Match", ifMatch);
            }
            query.forEach((name, value) -> request.query(name, value.equals("{otherCursor}") ? otherCursor : value));
            body.apply(request, existingId);
            return request;
        }
    }

    /**
     * Who sends it, as the JWT authorizer's claims say: the seeding admin (most often), another
     * subject with read and write, a reader, a caller of no scope (an ID token's claims), no
     * claims at all, a blank subject, a very long one.
     */
    record Caller(String subject, String scope) {
        void apply(ApiRequests request) {
            if (subject == null) {
                request.withoutToken();
            } else if (!subject.equals(ApiRequests.ADMIN)) {
                request.as(subject, scope);
            }
        }
    }

    /** A request body: text (possibly naming the existing user), raw bytes sent base64-encoded, or none. */
    record Body(String text, byte[] bytes) {
        void apply(ApiRequests request, String existingId) {
            if (bytes != null) {
                request.base64Body(bytes);
            } else if (text != null) {
                request.body(text.replace("{existing}", existingId));
            }
        }

        @Override
        public String toString() {
            return bytes != null ? "bytes" + java.util.Arrays.toString(bytes).substring(0, Math.min(80, bytes.length * 4 + 2))
                    : String.valueOf(text).substring(0, Math.min(200, String.valueOf(text).length()));
        }
    }

    @Provide
    Arbitrary<Fuzzed> requests() {
        Arbitrary<String> methods = Arbitraries.of("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS");
        Arbitrary<String> paths = Arbitraries.oneOf(
                Arbitraries.of("/users", "/users/{existing}", "/users/create", "/users/{existing}/update", "/users/{existing}/delete",
                        "/users/", "/", "/users/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/users/..%2Fusers", "/users/%00", "/users/%ZZ",
                        "/users/{existing}/", "/users//", "/Users", "/users/019a0000-0000-7000-8000-000000000000",
                        "/users/00000000-0000-0000-0000-000000000000"),
                Arbitraries.strings().ofMaxLength(300).map(s -> "/users/" + java.net.URLEncoder.encode(s, StandardCharsets.UTF_8)),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(5000).map(s -> "/users/" + s));
        Arbitrary<String> contentTypes = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "application/merge-patch+json", "text/plain", "application/json; charset=latin1", "", "application/xml",
                "multipart/form-data; boundary=x", "application/json;;;", "APPLICATION/JSON").injectNull(0.15);
        Arbitrary<String> ifMatches = Arbitraries.of("\"1\"", "\"2\"", "*", "W/\"1\"", "1", "\"\"", "\"abc\"", "\"1\", \"2\"",
                "\"99999999999999999999\"", "\"" + "9".repeat(5000) + "\"").injectNull(0.6);
        Arbitrary<Map<String, String>> queries = Arbitraries.oneOf(
                Arbitraries.just(Map.of()),
                Arbitraries.maps(Arbitraries.of("limit", "cursor", "email", "emial", "id", ""),
                        Arbitraries.oneOf(
                                Arbitraries.of("1", "0", "-1", "25", "100", "101", "1e2", "ten", "", "9".repeat(30),
                                        "seed@example.com", "other@example.com", "{otherCursor}", "dTEK", "!!!", "%",
                                        Base64.getUrlEncoder().encodeToString("u1\n\n\n*".getBytes(StandardCharsets.UTF_8))),
                                Arbitraries.strings().ofMaxLength(600))).ofMaxSize(3));
        Arbitrary<Body> bodies = Arbitraries.oneOf(
                Arbitraries.just(new Body(null, null)),
                jsonBodies().map(text -> new Body(text, null)),
                Arbitraries.strings().ofMaxLength(400).map(text -> new Body(text, null)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(bytes -> new Body(null, bytes)),
                Arbitraries.integers().between(16_000, 40_000).map(n -> new Body("{\"name\":\"" + "x".repeat(n) + "\"}", null)));
        Arbitrary<Caller> callers = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new Caller(ApiRequests.ADMIN, "users/admin"))),
                Tuple.of(1, Arbitraries.of(new Caller("fuzz-stranger", "users/read users/write"), new Caller("fuzz-reader", "users/read"),
                        new Caller("fuzz-no-scope", ""), new Caller(null, null), new Caller("  ", "users/admin"),
                        new Caller("s".repeat(2000), "users/write users/admin"))));
        return Combinators.combine(methods, paths, contentTypes, ifMatches, queries, bodies, callers).as(Fuzzed::new);
    }

    /** JSON objects close to the real bodies: the known members with values of every type, and strangers. */
    private Arbitrary<String> jsonBodies() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("\"Ada\"", "\"\"", "\"   \"", "\"ada@example.com\"", "\"not-an-email\"", "0", "-1", "151", "36",
                        "30.5", "1e400", "99999999999999999999999", "-0", "true", "false", "null", "[]", "{}", "\"{existing}\"",
                        "1764000000000", "\"\\u0000\"", "\"\\ud800\"", "[" .repeat(200) + "]".repeat(200)),
                Arbitraries.strings().ofMaxLength(300).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.integers().map(String::valueOf));
        Arbitrary<String> names = Arbitraries.of("name", "email", "age", "id", "createdAt", "version", "deleteAt", "role", "", "nAme");
        Arbitrary<String> member = Combinators.combine(names, values).as((name, value) -> "\"" + name + "\":" + value);
        return member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
    }
}
